import { z } from 'zod';
import type { ScimState } from './scim-state.ts';
import { userJson, type ScimUserInput } from './scim-store.ts';

const emailSchema = z.strictObject({ value: z.string().min(1), primary: z.boolean().optional(), type: z.string().optional() });
const userSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  userName: z.string().min(1),
  active: z.boolean().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  emails: z.array(emailSchema).optional(),
});
/**
 * `POST /__emulator/scim/users`: explicit `users`, or `count` users `user{i}@example.com` (i from `from`, default 1),
 * inserted at `position` (0-based, default the end) so a test can shift the users after it.
 */
const addSchema = z.strictObject({
  users: z.array(userSchema).optional(),
  count: z.number().int().min(0).max(100_000).optional(),
  from: z.number().int().min(0).optional(),
  position: z.number().int().min(0).optional(),
});
const limitsSchema = z.strictObject({ limit: z.number().min(0) });

/** An admin answer (status and JSON body). */
export interface ScimAdminResult {
  status: number;
  body: unknown;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new RangeError(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return parsed.data;
}

function addUsers(state: ScimState, body: unknown, now: number): ScimAdminResult {
  const input = parse(addSchema, body);
  const from = input.from ?? 1;
  const generated: ScimUserInput[] = Array.from({ length: input.count ?? 0 }, (_, k) => ({
    userName: `user${from + k}@example.com`,
    givenName: `Given${from + k}`,
    familyName: `Family${from + k}`,
  }));
  const users: ScimUserInput[] = [...(input.users ?? []), ...generated];
  const ids: string[] = [];
  users.forEach((user, k) => ids.push(state.store.add(user, now, input.position === undefined ? undefined : input.position + k).id));
  return { status: 200, body: { count: ids.length, ids, users: state.store.size } };
}

/**
 * `/__emulator/scim/*`: seed, add and remove team members, read them, change the SCIM rate limit.
 * Undefined when the path is not one of these; a bad body throws a RangeError (answered 400 by the caller).
 */
export function handleScimAdmin(state: ScimState, method: string, path: string, body: unknown, base: string, now: number): ScimAdminResult | undefined {
  const remove = /^\/__emulator\/scim\/users\/([^/]+)$/.exec(path);
  if (remove !== null && method === 'DELETE') {
    const removed = state.store.remove(decodeURIComponent(remove[1] ?? ''));
    return removed ? { status: 200, body: { deleted: true, users: state.store.size } } : { status: 404, body: { error: 'no such user' } };
  }
  switch (`${method} ${path}`) {
    case 'POST /__emulator/scim/users':
      return addUsers(state, body, now);
    case 'GET /__emulator/scim/users':
      return { status: 200, body: state.store.all().map((u) => userJson(u, base)) };
    case 'GET /__emulator/scim/limits':
      return { status: 200, body: { limit: state.limit } };
    case 'POST /__emulator/scim/limits':
      state.limit = parse(limitsSchema, body).limit;
      return { status: 200, body: { limit: state.limit } };
    default:
      return undefined;
  }
}
