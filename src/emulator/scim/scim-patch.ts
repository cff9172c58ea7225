import { scimInvalidSyntax, scimInvalidValue, ScimError } from './scim-error.ts';

/** RFC 7644 §3.5.2's PatchOp message schema. */
export const SCIM_PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function activeValue(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  // Some identity providers send booleans as strings ("False"); accepted as Stripe's SCIM would have to.
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw scimInvalidValue(`active must be a boolean (got ${JSON.stringify(value)})`);
}

/**
 * The `active` a PatchOp body sets: `{op:"replace", path:"active", value:false}` or `{op:"replace",
 * value:{active:false}}`. Anything else (another attribute, another op) is a 400 the emulator names.
 */
export function activeFromPatch(body: unknown): boolean {
  if (!isObject(body)) throw scimInvalidSyntax('the body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SCIM_PATCH_SCHEMA)) {
    throw scimInvalidSyntax(`schemas must include ${SCIM_PATCH_SCHEMA}`);
  }
  const ops = body.Operations;
  if (!Array.isArray(ops) || ops.length === 0) throw scimInvalidSyntax('Operations must be a non-empty array');
  let active: boolean | undefined;
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || !/^(replace|add)$/i.test(op.op)) {
      throw scimInvalidSyntax('each operation must have op "replace" (or "add")');
    }
    if (op.path === undefined) {
      if (!isObject(op.value) || !('active' in op.value) || Object.keys(op.value).length !== 1) {
        throw scimInvalidValue('a path-less replace must have value {"active": true|false}');
      }
      active = activeValue(op.value.active);
    } else if (typeof op.path === 'string' && op.path.toLowerCase() === 'active') {
      active = activeValue(op.value);
    } else {
      throw new ScimError(400, `unsupported path ${JSON.stringify(op.path)} (the emulator patches active only)`, 'invalidPath');
    }
  }
  if (active === undefined) throw scimInvalidSyntax('no operation sets active');
  return active;
}
