/**
 * Decodes `application/x-www-form-urlencoded` bodies and query strings with Stripe's bracket nesting:
 * `metadata[k]=v`, `shipping[address][line1]=x`, `preferred_locales[0]=en`, `expand[]=a`.
 * Containers are null-prototype objects, so a key such as `__proto__` or `constructor` is stored as plain
 * data and can never reach Object.prototype. Arrays stay objects with numeric keys; the parameter
 * validator turns them into arrays where Stripe's schema says "array".
 */

/** A decoded value: a string leaf or a nested object. */
export type FormValue = string | FormObject;
/** A nested object of decoded values (null prototype). */
export interface FormObject {
  [key: string]: FormValue;
}

/** A body that cannot be decoded, e.g. `a=1&a[b]=2` (a value that is both a string and an object). */
export class FormDecodeError extends Error {
  constructor(readonly param: string, message: string) {
    super(message);
    this.name = 'FormDecodeError';
  }
}

/** Bounds that keep a hostile body from costing much: Stripe's own requests are far below these. */
const MAX_DEPTH = 8;
const MAX_PAIRS = 10_000;

export function emptyFormObject(): FormObject {
  return Object.create(null) as FormObject;
}

export function isFormObject(value: FormValue | undefined): value is FormObject {
  return typeof value === 'object';
}

function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A lone '%' is kept as typed rather than failing the whole request.
    return spaced;
  }
}

/** Splits `a[b][c]` into ['a', 'b', 'c'] and `a[]` into ['a', '']. A malformed name is kept whole. */
export function splitKey(name: string): string[] {
  const open = name.indexOf('[');
  if (open <= 0) return [name];
  const parts = [name.slice(0, open)];
  let rest = name.slice(open);
  while (rest.length > 0) {
    const match = /^\[([^\][]*)\]/.exec(rest);
    if (!match) return [name];
    parts.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  return parts;
}

/** Renders a key path the way Stripe names a parameter in errors: `shipping[address][foo]`. */
export function paramName(path: readonly string[]): string {
  const [head, ...rest] = path;
  return `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function nextIndex(container: FormObject): string {
  let i = 0;
  while (Object.prototype.hasOwnProperty.call(container, String(i))) i += 1;
  return String(i);
}

/** Decodes a form body or a query string (without the leading '?'). The last of repeated keys wins. */
export function decodeForm(text: string): FormObject {
  const root = emptyFormObject();
  if (text.length === 0) return root;
  const pairs = text.split('&');
  if (pairs.length > MAX_PAIRS) throw new FormDecodeError('', `Too many parameters (more than ${MAX_PAIRS}).`);
  for (const pair of pairs) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawName = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    if (rawName.length === 0) continue;
    const path = splitKey(rawName);
    if (path.length > MAX_DEPTH) throw new FormDecodeError(rawName, `Parameter nested too deeply: ${rawName}`);
    assign(root, path, value, rawName);
  }
  return root;
}

function assign(root: FormObject, path: string[], value: string, rawName: string): void {
  let node = root;
  const resolved: string[] = [];
  for (let i = 0; i < path.length; i += 1) {
    let key = path[i] ?? '';
    if (key === '' && i > 0) key = nextIndex(node);
    resolved.push(key);
    const last = i === path.length - 1;
    const existing = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    if (last) {
      if (isFormObject(existing)) {
        throw new FormDecodeError(paramName(resolved), `Invalid value for ${rawName}: it was also sent as a hash.`);
      }
      node[key] = value;
      return;
    }
    if (existing === undefined) {
      const child = emptyFormObject();
      node[key] = child;
      node = child;
    } else if (isFormObject(existing)) {
      node = existing;
    } else {
      throw new FormDecodeError(paramName(resolved), `Invalid value for ${paramName(resolved)}: it was also sent as a hash.`);
    }
  }
}
