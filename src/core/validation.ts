/**
 * Argument validation before a handler runs (contract §3 `ValidateCallbackData`, and the `validate` option).
 * Two kinds of schema: the seed's table `{ required = {...}, types = {...} }` (the same rules in Lua and JS), and any
 * Standard Schema object (zod, valibot, arktype...) from JS.
 */

/** The seed's schema: keys that must be present, and the type each key must have. */
export interface TableSchema {
  required?: string[];
  types?: Record<string, string>;
}

/** The Standard Schema v1 interface, reduced to what we call (https://standardschema.dev). */
export interface StandardSchemaV1 {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult | Promise<StandardResult>;
  };
}
type StandardResult = { readonly value: unknown; readonly issues?: undefined } | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<unknown> }> };

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

/** Lua type names as a Lua script would see this JS value arrive (contract §3: the same rules on both sides). */
export function luaTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'function':
      return 'function';
    default:
      return 'table';
  }
}

/** Whether `actual` satisfies an expected type name; `integer`, `array` and `object` refine `number`/`table`. */
function typeMatches(expected: string, value: unknown): boolean {
  const actual = luaTypeOf(value);
  switch (expected) {
    case 'any':
      return actual !== 'nil';
    case 'integer':
      return actual === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return actual === 'table' && !Array.isArray(value);
    case 'function':
      // A function that crossed the network is a function reference: a callable.
      return actual === 'function';
    default:
      return actual === expected;
  }
}

/**
 * Orders strings by code point: Lua compares UTF-8 bytes, which is code-point order; JS's default sort compares
 * UTF-16 units and would put a character beyond U+FFFF before U+E000..U+FFFF.
 */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The seed's validator: `data` must be a table; every `required` key present; every key in `types` (when present)
 * of that type, reported in sorted key order (as the Lua twin does). Returns every problem, not just the first.
 *
 * @example
 * validateData({ action: 'buy' }, { required: ['action', 'amount'], types: { amount: 'number' } })
 * // → { valid: false, errors: ["missing required field 'amount'"] }
 */
export function validateData(data: unknown, schema: TableSchema): ValidationResult {
  const errors: string[] = [];
  if (data === null || typeof data !== 'object') {
    return { valid: false, errors: [`data must be a table (got ${luaTypeOf(data)})`] };
  }
  const record = data as Record<string, unknown>;
  for (const key of schema.required ?? []) {
    if (record[key] === undefined || record[key] === null) errors.push(`missing required field '${key}'`);
  }
  // Sorted as the Lua twin sorts (a Lua table has no key order; a JS object would put integer-like keys first).
  const types = schema.types ?? {};
  for (const key of Object.keys(types).sort(byCodePoint)) {
    const expected = types[key];
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (!typeMatches(expected, value)) errors.push(`field '${key}' must be ${expected} (got ${luaTypeOf(value)})`);
  }
  return { valid: errors.length === 0, errors };
}

export function isStandardSchema(x: unknown): x is StandardSchemaV1 {
  return !!x && typeof x === 'object' && typeof (x as StandardSchemaV1)['~standard']?.validate === 'function';
}

export function isTableSchema(x: unknown): x is TableSchema {
  return !!x && typeof x === 'object' && !isStandardSchema(x) && ('required' in x || 'types' in x);
}

/** Validates `value` with either kind of schema; a Standard Schema may answer asynchronously. */
export function validate(value: unknown, schema: TableSchema | StandardSchemaV1): ValidationResult | Promise<ValidationResult> {
  if (!isStandardSchema(schema)) return validateData(value, schema);
  const result = schema['~standard'].validate(value);
  // Any thenable is an asynchronous answer, not only this realm's Promise: taken as a synchronous result it would
  // have no `issues` and let every value through.
  return isThenable(result) ? Promise.resolve(result).then(fromStandard) : fromStandard(result);
}

function isThenable(x: unknown): x is PromiseLike<StandardResult> {
  return !!x && typeof (x as PromiseLike<unknown>).then === 'function';
}

function fromStandard(result: StandardResult): ValidationResult {
  // Fail closed: an answer that is neither `{ value }` nor `{ issues }` is not a pass.
  if (!result || typeof result !== 'object') return { valid: false, errors: ['the schema gave no result'] };
  if (!result.issues) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: result.issues.map((i) => (i.path?.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)),
  };
}
