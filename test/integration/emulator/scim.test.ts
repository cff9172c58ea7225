import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.ts';
import { scimAdmin, scimFetch } from '../../helpers/scim-emulator.ts';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});

beforeEach(async () => {
  await emulator.admin.reset();
});

afterAll(async () => {
  await emulator.close();
});

describe('emulator /scim/v2/Users', () => {
  it('pages with 1-based startIndex and count in a ListResponse', async () => {
    await scimAdmin(emulator.url).add({ count: 5 });
    const page = await scimFetch(emulator.url, '/Users?startIndex=2&count=2');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/scim+json');
    expect(page.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 5,
      itemsPerPage: 2,
      startIndex: 2,
    });
    const resources = page.body.Resources as { userName: string; meta: { resourceType: string; location: string } }[];
    expect(resources.map((r) => r.userName)).toEqual(['user2@example.com', 'user3@example.com']);
    expect(resources[0]?.meta.resourceType).toBe('User');
    expect(resources[0]?.meta.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users\/usr_/);
    const past = await scimFetch(emulator.url, '/Users?startIndex=9&count=2');
    expect(past.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
  });

  it('filters userName eq case-insensitively and refuses other filters with invalidFilter', async () => {
    await scimAdmin(emulator.url).add({ users: [{ userName: 'Ada@Example.com' }, { userName: 'bob@example.com' }] });
    const found = await scimFetch(emulator.url, `/Users?filter=${encodeURIComponent('userName eq "ada@EXAMPLE.com"')}`);
    expect(found.body.totalResults).toBe(1);
    expect((found.body.Resources as { userName: string }[])[0]?.userName).toBe('Ada@Example.com');
    const bad = await scimFetch(emulator.url, `/Users?filter=${encodeURIComponent('emails co "x"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
  });

  it('retrieves, and PATCHes active in both PatchOp forms; never deletes', async () => {
    const { ids } = await scimAdmin(emulator.url).add({ count: 2 });
    const [a = '', b = ''] = ids;
    expect((await scimFetch(emulator.url, `/Users/${a}`)).body).toMatchObject({ id: a, active: true, name: { givenName: 'Given1' } });
    const withPath = await scimFetch(emulator.url, `/Users/${a}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(withPath.body).toMatchObject({ id: a, active: false });
    const withValue = await scimFetch(emulator.url, `/Users/${b}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] },
    });
    expect(withValue.body).toMatchObject({ id: b, active: false });
    const del = await scimFetch(emulator.url, `/Users/${a}`, { method: 'DELETE' });
    expect(del.status).toBe(501);
    expect((await scimAdmin(emulator.url).users()).length).toBe(2);
    const stats = await emulator.admin.stats();
    expect(stats.scim.requests['PATCH:200']).toBe(2);
    expect(stats.scim).toMatchObject({ users: 2, active_users: 0 });
  });

  it('answers SCIM errors for a bad token, an unknown user, a bad patch and too many requests', async () => {
    const noToken = await scimFetch(emulator.url, '/Users', { token: null });
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ schemas: [ERROR], status: '401' });
    // A Stripe key is not a SCIM token.
    expect((await scimFetch(emulator.url, '/Users', { token: emulator.key })).status).toBe(401);
    const missing = await scimFetch(emulator.url, '/Users/usr_nope');
    expect(missing.body).toMatchObject({ schemas: [ERROR], status: '404' });
    const { ids } = await scimAdmin(emulator.url).add({ count: 1 });
    const badPatch = await scimFetch(emulator.url, `/Users/${ids[0] ?? ''}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: 'x' }] },
    });
    expect(badPatch.body).toMatchObject({ status: '400', scimType: 'invalidPath' });
    await scimAdmin(emulator.url).setLimit(2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => scimFetch(emulator.url, '/Users?count=1')));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]?.body).toMatchObject({ schemas: [ERROR], status: '429' });
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
    expect((await emulator.admin.stats()).scim.rate_limited).toBeGreaterThanOrEqual(3);
  });

  it('inserts at a position and removes users through the admin routes', async () => {
    const admin = scimAdmin(emulator.url);
    await admin.add({ count: 3 });
    const { ids } = await admin.add({ users: [{ userName: 'middle@example.com' }], position: 1 });
    expect((await admin.users()).map((u) => u.userName)).toEqual(['user1@example.com', 'middle@example.com', 'user2@example.com', 'user3@example.com']);
    await admin.remove(ids[0] ?? '');
    expect((await admin.users()).length).toBe(3);
  });
});
