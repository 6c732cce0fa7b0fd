import type { OpenApiSchemaValidator } from '../../support/openapi-schema-validator.js';
import { flatten, type Schema } from './openapi-operations.js';

/**
 * The ways a valid value is broken, one at a time, each at one place: what a careless or hostile
 * client sends. A mutation is `strict` when the document leaves no doubt that the result is
 * invalid: the server must then answer 400 and name the field in `details`.
 */
type MutationKind =
  | 'drop required'
  | 'null'
  | 'wrong type'
  | 'empty string'
  | 'oversized string'
  | 'unknown property'
  | 'wrong enum value'
  | 'malformed id';

export interface Mutation {
  kind: MutationKind;
  /** Where, as a dotted path (`message.text`, `audience.contactIds.0`). */
  field: string;
  strict: boolean;
  apply(value: unknown): unknown;
}

type Path = Array<string | number>;

const UNKNOWN_PROPERTY = 'fuzzUnknownProperty';
/** Long enough to be refused anywhere a bound is documented, far below the 1 MiB body limit. */
const OVERSIZED_LENGTH = 70_000;

/** A value of another JSON type than the schema's, which no lenient conversion turns into a valid one. */
function wrongTypeFor(schema: Schema): unknown {
  switch (schema.type) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'array':
      return 'not an array';
    case 'object':
      return 'not an object';
    default:
      return schema.properties ? 'not an object' : undefined;
  }
}

function setAt(
  root: unknown,
  path: Path,
  replace: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  replace(parent, path[path.length - 1]);
  return copy;
}

const replaceAt = (path: Path, value: unknown) => (root: unknown) =>
  setAt(root, path, (parent, key) => {
    parent[key] = value;
  });

const dropAt = (path: Path) => (root: unknown) =>
  setAt(root, path, (parent, key) => {
    Reflect.deleteProperty(parent, key);
  });

/** The branch of a `oneOf`/`anyOf` that the value is an instance of (the first, when none is). */
function branchFor(schema: Schema, value: unknown, validator: OpenApiSchemaValidator): Schema {
  const branches = schema.oneOf ?? schema.anyOf ?? [];
  return flatten(branches.find((branch) => validator.problems(branch, value).length === 0) ?? branches[0]);
}

/** Every single-place mutation of `value` (an instance of `schema`) that the schema describes. */
export function mutationsOf(schema: Schema, value: unknown, validator: OpenApiSchemaValidator): Mutation[] {
  const mutations: Mutation[] = [];
  const visit = (raw: Schema, current: unknown, path: Path) => {
    let node = flatten(raw);
    if (node.oneOf || node.anyOf) node = branchFor(node, current, validator);
    const field = path.join('.');

    if (node.type === 'string' && typeof current === 'string' && path.length > 0) {
      mutations.push({
        kind: 'empty string',
        field,
        strict: (node.minLength ?? 0) > 0,
        apply: replaceAt(path, ''),
      });
      mutations.push({
        kind: 'oversized string',
        field,
        strict: node.maxLength !== undefined,
        apply: replaceAt(path, 'x'.repeat(Math.max(OVERSIZED_LENGTH, (node.maxLength ?? 0) + 1))),
      });
      if (node.enum)
        mutations.push({
          kind: 'wrong enum value',
          field,
          strict: true,
          apply: replaceAt(path, 'not-a-listed-value'),
        });
      if (node.format === 'uuid')
        mutations.push({ kind: 'malformed id', field, strict: true, apply: replaceAt(path, 'not-a-uuid') });
    }
    if (Array.isArray(current) && node.items) {
      current.forEach((item, index) => visit(node.items!, item, [...path, index]));
    }
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !node.properties) return;

    const object = current as Record<string, unknown>;
    const required = new Set(node.required ?? []);
    if (node.additionalProperties !== true && typeof node.additionalProperties !== 'object') {
      mutations.push({
        kind: 'unknown property',
        field: [...path, UNKNOWN_PROPERTY].join('.'),
        strict: true,
        apply: replaceAt([...path, UNKNOWN_PROPERTY], 'surprise'),
      });
    }
    for (const [name, property] of Object.entries(node.properties)) {
      const at = [...path, name];
      const propertyField = at.join('.');
      const flat = flatten(property);
      if (!(name in object)) continue;
      if (required.has(name))
        mutations.push({ kind: 'drop required', field: propertyField, strict: true, apply: dropAt(at) });
      if (!flat.nullable)
        mutations.push({
          kind: 'null',
          field: propertyField,
          strict: required.has(name),
          apply: replaceAt(at, null),
        });
      const wrong = wrongTypeFor(flat);
      if (wrong !== undefined)
        mutations.push({
          kind: 'wrong type',
          field: propertyField,
          strict: true,
          apply: replaceAt(at, wrong),
        });
      visit(property, object[name], at);
    }
  };
  visit(schema, value, []);
  return mutations;
}

/** Whether a 400's `details` name the field (or a field inside it, or the object holding it). */
export function detailsName(details: unknown, field: string): boolean {
  if (!Array.isArray(details)) return false;
  return details.some((detail) => {
    const named = (detail as { field?: unknown }).field;
    if (typeof named !== 'string' || named.length === 0) return false;
    return named === field || named.startsWith(`${field}.`) || field.startsWith(`${named}.`);
  });
}
