import {
  invalidEnum,
  invalidInteger,
  invalidParameter,
  missingParameter,
  stringTooLong,
  unknownParameter,
} from './api-error.ts';
import { isFormObject, paramName, type FormObject, type FormValue } from './form-decode.ts';

/**
 * A small description of Stripe's form parameters, enough to validate the Customers API the way the live
 * API does: unknown keys rejected at every depth, string lengths, integers, enums, and `''` meaning "unset"
 * where Stripe's schema has `anyOf [..., {enum: ['']}]`.
 */
export type ParamSpec =
  | { kind: 'string'; max: number; nullable?: boolean }
  | { kind: 'integer' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'object'; props: Readonly<Record<string, ParamSpec>>; required?: readonly string[]; emptyUnsets?: boolean }
  | { kind: 'array'; items: ParamSpec; emptyUnsets?: boolean }
  | { kind: 'metadata' }
  /** Stripe's `anyOf [object, string]`: a token (or id) as a string, or the details as a hash. */
  | { kind: 'stringOrObject'; max: number; object: Extract<ParamSpec, { kind: 'object' }> };

/** A validated value: `null` is an explicit unset (the client sent `''`). */
export type ParamValue = string | number | null | ParamValue[] | { [key: string]: ParamValue };

export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

/** Validates the top level of a request against `props`; throws the ApiError Stripe would answer with. */
export function validateParams(
  input: FormObject,
  props: Readonly<Record<string, ParamSpec>>,
): Record<string, ParamValue> {
  return validateObject({ kind: 'object', props }, input, []);
}

function validate(spec: ParamSpec, value: FormValue, path: string[]): ParamValue {
  switch (spec.kind) {
    case 'string':
      return validateString(spec, value, path);
    case 'integer': {
      const text = expectString(value, path);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw invalidInteger(paramName(path), text);
      return Number(text);
    }
    case 'enum': {
      const text = expectString(value, path);
      if (!spec.values.includes(text)) throw invalidEnum(paramName(path), text, spec.values.filter((v) => v !== ''));
      return text;
    }
    case 'object':
      if (value === '' && spec.emptyUnsets) return null;
      if (!isFormObject(value)) throw invalidParameter(paramName(path), `Invalid object: ${paramName(path)} must be a hash`);
      return validateObject(spec, value, path);
    case 'array':
      if (value === '' && spec.emptyUnsets) return [];
      if (!isFormObject(value)) throw invalidParameter(paramName(path), `Invalid array: ${paramName(path)} must be an array`);
      return validateArray(spec, value, path);
    case 'metadata':
      return validateMetadata(value, path);
    case 'stringOrObject':
      return isFormObject(value) ? validateObject(spec.object, value, path) : validateString(spec, value, path);
  }
}

function expectString(value: FormValue, path: string[]): string {
  if (isFormObject(value)) {
    throw invalidParameter(paramName(path), `Invalid string: ${paramName(path)} must be a string, not a hash`);
  }
  return value;
}

function validateString(spec: { max: number; nullable?: boolean }, value: FormValue, path: string[]): ParamValue {
  const text = expectString(value, path);
  if (text === '' && spec.nullable) return null;
  if (text.length > spec.max) throw stringTooLong(paramName(path), text, spec.max);
  return text;
}

function validateObject(
  spec: Extract<ParamSpec, { kind: 'object' }>,
  value: FormObject,
  path: string[],
): { [key: string]: ParamValue } {
  const out: { [key: string]: ParamValue } = {};
  for (const key of Object.keys(value)) {
    const child = spec.props[key];
    const childPath = [...path, key];
    if (child === undefined || !Object.prototype.hasOwnProperty.call(spec.props, key)) {
      throw unknownParameter(paramName(childPath));
    }
    out[key] = validate(child, value[key] as FormValue, childPath);
  }
  for (const key of spec.required ?? []) {
    if (!(key in out)) throw missingParameter(paramName([...path, key]));
  }
  return out;
}

function validateArray(spec: Extract<ParamSpec, { kind: 'array' }>, value: FormObject, path: string[]): ParamValue[] {
  const indexes = Object.keys(value).map((key) => {
    if (!/^\d+$/.test(key)) throw invalidParameter(paramName([...path, key]), `Invalid array index: ${paramName([...path, key])}`);
    return Number(key);
  });
  indexes.sort((a, b) => a - b);
  return indexes.map((i) => validate(spec.items, value[String(i)] as FormValue, [...path, String(i)]));
}

function validateMetadata(value: FormValue, path: string[]): ParamValue {
  if (value === '') return null;
  if (!isFormObject(value)) {
    throw invalidParameter(paramName(path), 'Invalid metadata: must be a hash of keys to values, or an empty string');
  }
  // Keys are user data: a null-prototype object keeps `__proto__` and friends as plain keys.
  const out = Object.create(null) as { [key: string]: ParamValue };
  const keys = Object.keys(value);
  for (const key of keys) {
    const param = paramName([...path, key]);
    const item = value[key] as FormValue;
    if (isFormObject(item)) throw invalidParameter(param, `Invalid metadata: the value of ${param} must be a string`);
    if (key.length > METADATA_KEY_MAX) {
      throw invalidParameter(param, `Invalid metadata: keys can be at most ${METADATA_KEY_MAX} characters long (${param})`);
    }
    if (item.length > METADATA_VALUE_MAX) {
      throw invalidParameter(param, `Invalid metadata: values can be at most ${METADATA_VALUE_MAX} characters long (${param})`);
    }
    out[key] = item === '' ? null : item;
  }
  if (keys.filter((k) => out[k] !== null).length > METADATA_MAX_KEYS) {
    throw invalidParameter(paramName(path), `Invalid metadata: metadata can have at most ${METADATA_MAX_KEYS} keys`);
  }
  return out;
}
