/** RFC 7644 §3.12: the schema every SCIM error body names. */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The body of a SCIM error answer (RFC 7644 §3.12): `status` is a string there, not a number. */
export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  detail: string;
  scimType?: string;
}

/** A SCIM error the emulator answers with; `scimType` only where RFC 7644 defines one (400 mostly). */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toBody(): ScimErrorBody {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      detail: this.detail,
      ...(this.scimType === undefined ? {} : { scimType: this.scimType }),
    };
  }
}

export const scimUnauthorized = (): ScimError => new ScimError(401, 'Authorization failure: a valid SCIM bearer token is required.');
export const scimNotFound = (id: string): ScimError => new ScimError(404, `Resource ${id} not found.`);
export const scimRateLimited = (): ScimError => new ScimError(429, 'Too many requests: slow down.');
export const scimInvalidFilter = (detail: string): ScimError => new ScimError(400, detail, 'invalidFilter');
export const scimInvalidValue = (detail: string): ScimError => new ScimError(400, detail, 'invalidValue');
export const scimInvalidSyntax = (detail: string): ScimError => new ScimError(400, detail, 'invalidSyntax');
export const scimNoTarget = (detail: string): ScimError => new ScimError(400, detail, 'noTarget');
