/** A SCIM request that failed: the HTTP status (or 'network'), and the server's detail. Never holds the token. */
export class ScimRequestError extends Error {
  readonly code = 'stripe-bulk:scim';
  constructor(
    readonly status: number | 'network',
    readonly detail: string,
    readonly scimType?: string,
  ) {
    super(`SCIM ${status === 'network' ? 'request failed' : `answered ${status}`}: ${detail}${scimType === undefined ? '' : ` (${scimType})`}`);
    this.name = 'ScimRequestError';
  }

  /** 5xx, 429 and network failures may succeed later; 4xx (bad token, bad filter) never will. */
  get retryable(): boolean {
    return this.status === 'network' || this.status === 429 || this.status >= 500;
  }
}
