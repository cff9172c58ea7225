import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/** Refuses (400, nothing queued) a team member job when the server has no SCIM token to run it with. */
export function requireScimToken(config: Pick<Config, 'scim'>, what: string): void {
  if (config.scim.token !== undefined) return;
  throw new AppError(
    'invalid_request',
    `${what} needs STRIPE_SCIM_TOKEN (the Dashboard's SCIM bearer token, Enterprise with SSO): set it on the API and the workers`,
    400,
    { problems: ['STRIPE_SCIM_TOKEN: is not set'] },
  );
}
