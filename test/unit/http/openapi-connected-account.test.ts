import { describe, expect, it } from 'vitest';
import { OPENAPI_DOCUMENT } from '../../../src/http/openapi/openapi-document.ts';

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Json | undefined)?.[k], value);

describe('/openapi.json documents the connected account', () => {
  const schemas = at(OPENAPI_DOCUMENT, 'components', 'schemas') as Json;

  it('as the import option (query and form field) and in the import answers', () => {
    const parameters = at(OPENAPI_DOCUMENT, 'paths', '/v1/imports', 'post', 'parameters') as Json[];
    expect(parameters.find((p) => p.name === 'account')).toMatchObject({ in: 'query', required: false, schema: { $ref: '#/components/schemas/ConnectedAccountId' } });
    expect(at(schemas, 'ImportUploadForm', 'properties', 'account')).toEqual({ $ref: '#/components/schemas/ConnectedAccountId' });
    expect(at(schemas, 'ConnectedAccountId')).toMatchObject({ type: 'string', pattern: '^acct_[A-Za-z0-9]+$' });
    for (const answer of ['Import', 'ImportCreated']) {
      expect(at(schemas, answer, 'required')).toContain('account');
      expect(JSON.stringify(at(schemas, answer, 'properties', 'account'))).toContain('ConnectedAccountId');
    }
  });

  it('as an export option, for exports and schedules', () => {
    for (const name of ['ExportOptions', 'ExportScheduleRequest']) {
      expect(at(schemas, name, 'properties', 'account')).toMatchObject({ type: 'string', pattern: '^acct_[A-Za-z0-9]+$' });
    }
  });
});
