import type { AppDeps } from '../../../deps.ts';
import { isDeprovisionId } from '../../../deprovisions/deprovision-paths.ts';
import { DeprovisionStore } from '../../../deprovisions/deprovision-store.ts';
import { recordGuard } from '../../record-guard.ts';

export const deprovisionStore = (deps: AppDeps): DeprovisionStore => new DeprovisionStore(deps.redis, deps.config.queuePrefix);

/** A guard: the deprovision named by `:id` is handed to the handler, or the request answers 404. */
export const withDeprovision = recordGuard('Team member deprovision', isDeprovisionId, (deps, id) => deprovisionStore(deps).get(id));
