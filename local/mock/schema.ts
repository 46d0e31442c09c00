/**
 * Placeholder values from a JSON schema: tool-call arguments and structured outputs. The goal is
 * "valid for the schema and obviously fake", not realism: required properties only (all
 * properties when `required` is absent), simple values by type, enums and consts respected.
 * Gemini's upper-case types ("OBJECT", "STRING") are accepted too.
 */

type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;

const isSchema = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

/** Resolves local `$ref`s (`#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer into the root). */
function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = isSchema(node) ? node[key] : undefined;
  }
  return node;
}

function typeOf(schema: Schema): string | undefined {
  const declared = schema.type;
  const types = (Array.isArray(declared) ? declared : [declared]).filter((t): t is string => typeof t === "string").map((t) => t.toLowerCase());
  const type = types.find((t) => t !== "null") ?? types[0];
  if (type) return type;
  if (isSchema(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function stringFor(schema: Schema, name: string): string {
  const format = typeof schema.format === "string" ? schema.format : "";
  let value: string;
  if (format === "date-time") value = "2024-01-01T00:00:00Z";
  else if (format === "date") value = "2024-01-01";
  else if (format === "time") value = "00:00:00";
  else if (format === "email") value = "mock@example.com";
  else if (format === "uri" || format === "url") value = "https://example.com/";
  else if (format === "uuid") value = "00000000-0000-4000-8000-000000000000";
  else if (/city|location/i.test(name)) value = "Paris";
  else value = name ? `mock ${name}` : "mock";
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
  while (value.length < min) value += "x";
  return value.slice(0, max);
}

function numberFor(schema: Schema, integer: boolean): number {
  const num = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
  let value = 1;
  const min = num("minimum");
  const exclusiveMin = num("exclusiveMinimum");
  const max = num("maximum");
  const exclusiveMax = num("exclusiveMaximum");
  if (min !== undefined && value < min) value = min;
  if (exclusiveMin !== undefined && value <= exclusiveMin) value = exclusiveMin + 1;
  if (max !== undefined && value > max) value = max;
  if (exclusiveMax !== undefined && value >= exclusiveMax) value = exclusiveMax - 1;
  return integer ? Math.ceil(value) : value;
}

/** A value valid for `schema`; `name` is the property name it will be stored under (used for hints). */
export function placeholderFor(schema: unknown, name: string, root: unknown = schema, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === "string") return placeholderFor(resolveRef(schema.$ref, root), name, root, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("default" in schema) return schema.default;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const variants = schema[key];
    if (Array.isArray(variants) && variants.length > 0) {
      const nonNull = variants.find((v) => !(isSchema(v) && v.type === "null")) ?? variants[0];
      return placeholderFor(nonNull, name, root, depth + 1);
    }
  }
  switch (typeOf(schema)) {
    case "string":
      return stringFor(schema, name);
    case "integer":
      return numberFor(schema, true);
    case "number":
      return numberFor(schema, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const minItems = typeof schema.minItems === "number" ? schema.minItems : 1;
      const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
      const count = Math.min(Math.max(minItems, 1), maxItems);
      const itemName = name.endsWith("s") ? name.slice(0, -1) : name;
      return Array.from({ length: count }, () => placeholderFor(schema.items ?? { type: "string" }, itemName, root, depth + 1));
    }
    case "object": {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const keys = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : Object.keys(properties);
      const out: Record<string, unknown> = {};
      for (const key of keys) out[key] = key in properties ? placeholderFor(properties[key], key, root, depth + 1) : "mock";
      return out;
    }
    default:
      return name ? `mock ${name}` : "mock";
  }
}
