import { randomBytes } from 'node:crypto';

/** RFC 7643 §8.7.1's core User schema id. */
export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** One email of a user (RFC 7643 §4.1.2). */
export interface ScimEmail {
  value: string;
  primary?: boolean;
  type?: string;
}

/** A team member as the emulator keeps it. Times are epoch ms. */
export interface ScimUserRecord {
  id: string;
  userName: string;
  active: boolean;
  givenName: string | null;
  familyName: string | null;
  emails: ScimEmail[];
  created: number;
  lastModified: number;
}

/** The fields a seed or an added user may set. */
export interface ScimUserInput {
  id?: string;
  userName: string;
  active?: boolean;
  givenName?: string;
  familyName?: string;
  emails?: ScimEmail[];
}

/** The JSON of a user (RFC 7643 §4.1), `location` under `base` (e.g. `http://127.0.0.1:1234/scim/v2`). */
export function userJson(user: ScimUserRecord, base: string): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    id: user.id,
    userName: user.userName,
    active: user.active,
    name: { givenName: user.givenName, familyName: user.familyName },
    emails: user.emails,
    meta: {
      resourceType: 'User',
      created: new Date(user.created).toISOString(),
      lastModified: new Date(user.lastModified).toISOString(),
      location: `${base}/Users/${user.id}`,
    },
  };
}

const newUserId = (): string => `usr_${randomBytes(8).toString('hex')}`;

/**
 * Team members in a fixed order (the order a list pages through): users are appended, or inserted at a position
 * by the admin routes, so tests can shift later users down (an insert) or up (a removal) during a walk.
 */
export class ScimUserStore {
  private users: ScimUserRecord[] = [];
  private readonly byId = new Map<string, ScimUserRecord>();

  get size(): number {
    return this.users.length;
  }

  /** Adds a user at `position` (0-based; default: the end); throws a RangeError on a taken id or a bad position. */
  add(input: ScimUserInput, now: number, position?: number): ScimUserRecord {
    const id = input.id ?? newUserId();
    if (this.byId.has(id)) throw new RangeError(`a user with id ${id} exists already`);
    const at = position ?? this.users.length;
    if (!Number.isSafeInteger(at) || at < 0 || at > this.users.length) {
      throw new RangeError(`position must be an integer between 0 and ${this.users.length} (got ${String(position)})`);
    }
    const user: ScimUserRecord = {
      id,
      userName: input.userName,
      active: input.active ?? true,
      givenName: input.givenName ?? null,
      familyName: input.familyName ?? null,
      emails: input.emails ?? [{ value: input.userName, primary: true, type: 'work' }],
      created: now,
      lastModified: now,
    };
    this.users.splice(at, 0, user);
    this.byId.set(id, user);
    return user;
  }

  /** Removes a user (an admin action: the SCIM surface never deletes); false when there is none. */
  remove(id: string): boolean {
    const user = this.byId.get(id);
    if (user === undefined) return false;
    this.byId.delete(id);
    this.users = this.users.filter((u) => u !== user);
    return true;
  }

  get(id: string): ScimUserRecord | undefined {
    return this.byId.get(id);
  }

  /** The users in list order, optionally only those whose userName equals `userName` ignoring case. */
  matching(userName?: string): readonly ScimUserRecord[] {
    if (userName === undefined) return this.users;
    const wanted = userName.toLowerCase();
    return this.users.filter((u) => u.userName.toLowerCase() === wanted);
  }

  setActive(id: string, active: boolean, now: number): ScimUserRecord | undefined {
    const user = this.byId.get(id);
    if (user === undefined) return undefined;
    if (user.active !== active) {
      user.active = active;
      user.lastModified = now;
    }
    return user;
  }

  all(): readonly ScimUserRecord[] {
    return this.users;
  }

  clear(): void {
    this.users = [];
    this.byId.clear();
  }
}
