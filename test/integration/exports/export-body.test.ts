import { beforeAll, describe, expect, it } from 'vitest';
import { apiList } from '../../helpers/api-json.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';
import { createExportHarness, type ExportHarness } from './export-harness.ts';

/** A raw POST: the body and headers exactly as given (fetch adds Content-Length, and Content-Type only for strings). */
async function post(h: ExportHarness, path: string, body: string | Blob | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.baseUrl}${path}`, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; id?: string } };
}

describe('export and schedule bodies that are not JSON', () => {
  let h: ExportHarness;
  const closing = closeAfterAll();
  beforeAll(async () => {
    h = closing(await createExportHarness());
  });

  const queued = () => h.services.queues.export.getJobCounts('waiting', 'active', 'delayed', 'prioritized');

  it('answers 415 naming application/json for form, text and untyped bodies, and queues nothing', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const cases: Array<[string, string | Blob, Record<string, string>, number, string]> = [
      // What `curl -d "query=email:'a@b.c'"` sends: it used to start a full, unfiltered export.
      ['/v1/exports', "query=email:'a@example.com'", form, 415, 'unsupported_media_type'],
      ['/v1/exports', '{"gzip":true}', { 'Content-Type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['/v1/exports', new Blob(['{"gzip":true}']), {}, 415, 'unsupported_media_type'],
      ['/v1/exports', '', form, 415, 'unsupported_media_type'],
      ['/v1/exports', '{"gzip":true}', { 'Content-Type': 'application/json; charset=latin1' }, 415, 'unsupported_media_type'],
      ['/v1/exports', `{"email":"${'x'.repeat(1_100_000)}"}`, { 'Content-Type': 'application/json' }, 413, 'body_too_large'],
      ['/v1/export-schedules', 'cron=0+3+*+*+*', form, 415, 'unsupported_media_type'],
      ['/v1/export-schedules', '{"cron":"0 3 * * *"}', { 'Content-Type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['/v1/export-schedules', new Blob(['{"cron":"0 3 * * *"}']), {}, 415, 'unsupported_media_type'],
    ];
    for (const [path, body, headers, status, code] of cases) {
      const res = await post(h, path, body, headers);
      const what = `${path} ${JSON.stringify(headers)} ${typeof body === 'string' ? body.slice(0, 40) : 'a Blob'}`;
      expect(res.status, what).toBe(status);
      expect(res.body.error?.code, what).toBe(code);
      if (status === 415) expect(res.body.error?.message, what).toContain('Content-Type: application/json');
    }
    expect(await queued()).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
    expect(await h.services.queues.export.getJobSchedulersCount()).toBe(0);
    expect(apiList((await h.request('GET', '/v1/exports')).body)).toEqual([]);
  });

  it('takes a POST with no body and no Content-Type as the defaults (the body is optional), a schedule still needs its cron', async () => {
    const schedule = await post(h, '/v1/export-schedules', undefined);
    expect(schedule.status).toBe(400);
    expect(schedule.body.error?.message).toContain('cron');
    const res = await post(h, '/v1/exports', undefined);
    expect(res.status).toBe(202);
    expect((await h.get(res.body.id ?? '')).status).toBe('queued');
  });
});
