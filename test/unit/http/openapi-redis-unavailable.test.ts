import { describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT as DOC } from '../../../src/http/openapi/openapi-document.ts';

describe('/openapi.json and Redis outages', () => {
  it('documents 503 redis_unavailable on every /v1 operation, and the data_dir check of /readyz', () => {
    const operations = Object.entries(DOC.paths)
      .filter(([path]) => path.startsWith('/v1'))
      .flatMap(([path, item]) => (['get', 'post', 'delete'] as const).filter((m) => item[m]).map((m) => ({ path, m, op: item[m]! })));
    expect(operations.length).toBeGreaterThan(10);
    for (const { path, m, op } of operations) {
      expect(op.responses['503']?.description, `${m.toUpperCase()} ${path}`).toContain('`redis_unavailable`');
    }
    const readiness = DOC.components.schemas.Readiness as { properties: { checks: { required: string[] } } };
    expect(readiness.properties.checks.required).toContain('data_dir');
  });
});
