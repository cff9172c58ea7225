import { describe, expect, it } from 'vitest';
import { decodeForm, FormDecodeError, paramName, splitKey } from '../../../src/emulator/form-decode.ts';

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('decodeForm', () => {
  it('decodes flat pairs, + as space and percent escapes', () => {
    expect(plain(decodeForm('email=jane%40example.com&name=Jane+Doe&description=a%2Bb'))).toEqual({
      email: 'jane@example.com',
      name: 'Jane Doe',
      description: 'a+b',
    });
  });

  it('nests brackets, encoded or not', () => {
    const form = decodeForm('metadata[k]=v&address%5Bcity%5D=Paris&shipping[address][line1]=1+Rue&shipping[name]=J');
    expect(plain(form)).toEqual({
      metadata: { k: 'v' },
      address: { city: 'Paris' },
      shipping: { address: { line1: '1 Rue' }, name: 'J' },
    });
  });

  it('numbers `[]` entries in order and keeps explicit indexes', () => {
    expect(plain(decodeForm('expand[]=a&expand[]=b&preferred_locales[0]=en&preferred_locales[1]=fr'))).toEqual({
      expand: { 0: 'a', 1: 'b' },
      preferred_locales: { 0: 'en', 1: 'fr' },
    });
  });

  it('keeps empty values, which Stripe reads as "unset"', () => {
    expect(plain(decodeForm('metadata=&address=&metadata2[k]='))).toEqual({ metadata: '', address: '', metadata2: { k: '' } });
  });

  it('lets the last of repeated keys win and ignores empty pairs', () => {
    expect(plain(decodeForm('a=1&&a=2&'))).toEqual({ a: '2' });
  });

  it('never touches Object.prototype', () => {
    const form = decodeForm('__proto__[polluted]=yes&constructor[prototype][polluted]=yes&metadata[__proto__]=x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.keys(form)).toEqual(['__proto__', 'constructor', 'metadata']);
    expect((form.metadata as Record<string, unknown>)['__proto__']).toBe('x');
  });

  it('rejects a name that is both a value and a hash, naming the parameter', () => {
    expect(() => decodeForm('address=x&address[city]=y')).toThrow(FormDecodeError);
    try {
      decodeForm('address[city][x]=1&address[city]=y');
    } catch (err) {
      expect((err as FormDecodeError).param).toBe('address[city]');
    }
  });

  it('keeps a malformed bracket name whole, so validation reports it as unknown', () => {
    expect(splitKey('metadata[a[b]]')).toEqual(['metadata[a[b]]']);
    expect(splitKey('a[b][c]')).toEqual(['a', 'b', 'c']);
    expect(paramName(['shipping', 'address', 'foo'])).toBe('shipping[address][foo]');
  });

  it('tolerates a stray percent sign', () => {
    expect(plain(decodeForm('name=100%'))).toEqual({ name: '100%' });
  });
});
