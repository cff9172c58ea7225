import { isAuditId } from '../../../audits/audit-ids.ts';
import { AuditStore } from '../../../audits/audit-store.ts';
import type { AppDeps } from '../../../deps.ts';
import { recordGuard } from '../../record-guard.ts';

export const auditStore = (deps: AppDeps): AuditStore => new AuditStore(deps.redis, deps.config.queuePrefix);

/** A guard: the audit named by `:id` is handed to the handler, or the request answers 404. */
export const withAudit = recordGuard('Audit', isAuditId, (deps, id) => auditStore(deps).get(id));
