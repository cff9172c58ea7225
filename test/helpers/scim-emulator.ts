/** The SCIM token test emulators accept by default (src/emulator/options.ts). */
export const TEST_SCIM_TOKEN = 'scim_test_token';

/** The emulator's `/scim/v2` base URL. */
export const scimUrl = (emulatorUrl: string): string => `${emulatorUrl}/scim/v2`;

async function call<T>(url: string, method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A team member to seed. */
export interface SeedScimUser {
  id?: string;
  userName: string;
  active?: boolean;
  givenName?: string;
  familyName?: string;
  emails?: { value: string; primary?: boolean; type?: string }[];
}

/** Admin controls of the emulator's team members (`/__emulator/scim/*`). */
export function scimAdmin(emulatorUrl: string) {
  const base = `${emulatorUrl}/__emulator/scim`;
  return {
    /** Adds users (explicit, or `count` generated `user{i}@example.com` from `from`) at `position` (default: the end). */
    add: (input: { users?: SeedScimUser[]; count?: number; from?: number; position?: number }) =>
      call<{ count: number; ids: string[]; users: number }>(`${base}/users`, 'POST', input),
    remove: (id: string) => call<{ deleted: boolean }>(`${base}/users/${encodeURIComponent(id)}`, 'DELETE'),
    users: () => call<{ id: string; userName: string; active: boolean }[]>(`${base}/users`, 'GET'),
    setLimit: (limit: number) => call<{ limit: number }>(`${base}/limits`, 'POST', { limit }),
  };
}

/** A SCIM request with the test token (or another `token`), answering status and parsed body. */
export async function scimFetch(
  emulatorUrl: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/scim+json' };
  const token = init.token === undefined ? TEST_SCIM_TOKEN : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${scimUrl(emulatorUrl)}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
