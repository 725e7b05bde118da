/**
 * Runtime checks (a development build of the client): every call validates its payload against
 * the plan's compiled JSON Schema before it is sent, and reports violations to a handler, by
 * default `console.warn`. A handler that throws stops the call: nothing is sent. The validator
 * covers the keywords `tp compile` emits for payloads; formats are checked on a best-effort
 * basis and unknown formats pass.
 */

interface Schema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly required?: readonly string[];
  readonly properties?: { readonly [key: string]: Schema };
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly anyOf?: readonly Schema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
}

interface Payload {
  readonly call: string;
  readonly name: string;
  readonly field: string;
  readonly schema: Schema;
}

/** The payload schema of each call, by its file in `tp compile` output. */
const PAYLOADS: { readonly [schemaPath: string]: Payload } = {
__PAYLOADS__};

/** One call that broke the plan: `errors` point into the message (`/properties/order_id`). */
export interface Violation {
  readonly call: string;
  readonly name: string;
  readonly schema: string;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

export type ViolationHandler = (violation: Violation) => void;

interface Console {
  warn(...data: unknown[]): void;
}

const warn: ViolationHandler = (violation) => {
  const errors = violation.errors.map((error) => `${error.path} ${error.message}`);
  const output = (globalThis as { console?: Console }).console;
  const call = `${violation.call} ${violation.name}`.trim();
  output?.warn(`${call} breaks the tracking plan: ${errors.join("; ")}`);
};

let handler: ViolationHandler = warn;

/** Where violations go; `null` restores the default, `console.warn`. */
export function setViolationHandler(next: ViolationHandler | null): void {
  handler = next ?? warn;
}

/** Validates a payload and reports its violations; called by every function of the client. */
export function check(schemaPath: string, payload: unknown): void {
  const planned = PAYLOADS[schemaPath];
  if (planned === undefined) {
    return;
  }
  const errors: { path: string; message: string }[] = [];
  validate(planned.schema, payload, `/${planned.field}`, errors);
  if (errors.length > 0) {
    handler({ call: planned.call, name: planned.name, schema: schemaPath, errors });
  }
}

type Errors = { path: string; message: string }[];

function validate(schema: Schema, value: unknown, path: string, errors: Errors): void {
  const fail = (message: string): void => {
    errors.push({ path, message });
  };
  if (schema.type !== undefined) {
    const types: readonly string[] = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!types.some((type) => hasType(value, type))) {
      fail(`must be ${types.join(" or ")}, not ${typeName(value)}`);
      return;
    }
  }
  if (schema.const !== undefined && !same(value, schema.const)) {
    fail(`must be ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum !== undefined && !schema.enum.some((option) => same(value, option))) {
    fail(`must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((option) => passes(option, value))) {
    const formats = schema.anyOf.map((option) => option.format ?? "alternative");
    fail(`must be a valid ${formats.join(" or ")}`);
  }
  if (typeof value === "number") {
    checkNumber(schema, value, fail);
  } else if (typeof value === "string") {
    checkString(schema, value, fail);
  } else if (Array.isArray(value)) {
    checkArray(schema, value, path, errors);
  } else if (value !== null && typeof value === "object") {
    checkObject(schema, value as { readonly [key: string]: unknown }, path, errors);
  }
}

function passes(schema: Schema, value: unknown): boolean {
  const errors: Errors = [];
  validate(schema, value, "", errors);
  return errors.length === 0;
}

function typeName(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "array";
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      return "a non-finite number";
    }
    return Number.isInteger(value) ? "integer" : "number";
  }
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  const actual = typeName(value);
  return actual === type || (type === "number" && actual === "integer");
}

function checkNumber(schema: Schema, value: number, fail: (message: string) => void): void {
  if (schema.minimum !== undefined && value < schema.minimum) {
    fail(`must be at least ${schema.minimum}`);
  }
  if (schema.maximum !== undefined && value > schema.maximum) {
    fail(`must be at most ${schema.maximum}`);
  }
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
    fail(`must be more than ${schema.exclusiveMinimum}`);
  }
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
    fail(`must be less than ${schema.exclusiveMaximum}`);
  }
  if (schema.multipleOf !== undefined) {
    const quotient = value / schema.multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9 * Math.max(1, Math.abs(quotient))) {
      fail(`must be a multiple of ${schema.multipleOf}`);
    }
  }
}

const DAY = "\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])";
const TIME = "(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:[Zz]|[+-]\\d\\d:\\d\\d)";
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/** Best-effort format checks; a format not listed here is not checked. */
const FORMATS = new Map<string, RegExp>([
  ["date-time", new RegExp(`^${DAY}[Tt ]${TIME}$`)],
  ["date", new RegExp(`^${DAY}$`)],
  ["time", new RegExp(`^${TIME}$`)],
  ["email", /^[^\s@]+@[^\s@]+$/],
  ["uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
  ["uri", /^[a-z][a-z0-9+.-]*:\S*$/i],
  ["ipv4", new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`)],
]);

const patterns = new Map<string, RegExp | null>();

function pattern(source: string): RegExp | null {
  let compiled = patterns.get(source);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(source, "u");
    } catch {
      compiled = null; // not a pattern this JavaScript engine reads: not checked
    }
    patterns.set(source, compiled);
  }
  return compiled;
}

function checkString(schema: Schema, value: string, fail: (message: string) => void): void {
  const length = Array.from(value).length; // code points, as JSON Schema counts
  if (schema.minLength !== undefined && length < schema.minLength) {
    fail(`must be at least ${schema.minLength} characters long`);
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    fail(`must be at most ${schema.maxLength} characters long`);
  }
  if (schema.pattern !== undefined && pattern(schema.pattern)?.test(value) === false) {
    fail(`must match ${schema.pattern}`);
  }
  const format = schema.format === undefined ? undefined : FORMATS.get(schema.format);
  if (format !== undefined && !format.test(value)) {
    fail(`must be a valid ${schema.format}`);
  }
}

function checkArray(schema: Schema, value: readonly unknown[], path: string, errors: Errors): void {
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    errors.push({ path, message: `must have at least ${schema.minItems} items` });
  }
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    errors.push({ path, message: `must have at most ${schema.maxItems} items` });
  }
  if (schema.uniqueItems === true && new Set(value.map(canonical)).size < value.length) {
    errors.push({ path, message: "must not repeat items" });
  }
  const items = schema.items;
  if (items !== undefined) {
    value.forEach((item, index) => validate(items, item, `${path}/${index}`, errors));
  }
}

function checkObject(
  schema: Schema,
  value: { readonly [key: string]: unknown },
  path: string,
  errors: Errors,
): void {
  const properties = schema.properties ?? {};
  for (const key of schema.required ?? []) {
    if (!hasOwn(value, key) || value[key] === undefined) {
      errors.push({ path, message: `must have ${JSON.stringify(key)}` });
    }
  }
  for (const key of Object.keys(value)) {
    const item = value[key];
    const child = properties[key];
    const at = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (item === undefined) {
      continue; // not sent: JSON has no undefined
    }
    if (hasOwn(properties, key) && child !== undefined) {
      validate(child, item, at, errors);
    } else if (schema.additionalProperties === false) {
      errors.push({ path: at, message: "is not in the tracking plan" });
    } else if (typeof schema.additionalProperties === "object") {
      validate(schema.additionalProperties, item, at, errors);
    }
  }
}

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function same(left: unknown, right: unknown): boolean {
  return canonical(left) === canonical(right);
}

/** JSON with sorted keys: equal for equal JSON values. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const record = value as { readonly [key: string]: unknown };
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}
