import fc from 'fast-check';

import { flatten, type Schema } from './openapi-operations.js';

/**
 * Values that a documented schema allows, generated from the schema and its examples. Examples are
 * preferred (they carry what a pattern or a cross-field rule wants); the rest comes from types,
 * formats, enums and bounds, so that both the realistic and the edges of the schema are tried.
 */

export interface ValueContext {
  /** An existing record's id for a uuid property named `<resource>Id` / `<resource>Ids`. */
  idFor(propertyName: string): string | undefined;
}

/** No request may make the server call out of this machine: every URL points at a closed loopback port. */
const LOOPBACK_ORIGIN = 'http://127.0.0.1:9';

export function keepOnLoopback(value: unknown): unknown {
  if (typeof value === 'string')
    return /^https?:\/\//i.test(value) ? value.replace(/^https?:\/\/[^/?#]*/i, LOOPBACK_ORIGIN) : value;
  if (Array.isArray(value)) return value.map(keepOnLoopback);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, keepOnLoopback(item)]));
  return value;
}

const MAX_GENERATED_LENGTH = 40;

function stringArbitrary(schema: Schema, name: string, context: ValueContext): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(
    minLength,
    Math.min(schema.maxLength ?? MAX_GENERATED_LENGTH, MAX_GENERATED_LENGTH),
  );
  switch (schema.format) {
    case 'uuid': {
      const known = context.idFor(name);
      return known
        ? fc.oneof({ weight: 4, arbitrary: fc.constant(known) }, { weight: 1, arbitrary: fc.uuid() })
        : fc.uuid();
    }
    case 'date-time':
      return fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2035-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString());
    case 'email':
      return fc.stringMatching(/^[a-z]{1,12}$/).map((local) => `${local}@example.com`);
    case 'uri':
    case 'url':
      return fc.stringMatching(/^[a-z]{1,12}$/).map((segment) => `${LOOPBACK_ORIGIN}/${segment}`);
    case 'binary':
      // The one upload is a contact CSV.
      return fc
        .array(fc.integer({ min: 2_000_000, max: 9_999_999 }), { maxLength: 3 })
        .map((numbers) => `phone,name\n${numbers.map((n) => `+1415${n},Fuzz ${n}`).join('\n')}\n`);
    case undefined:
      break;
  }
  if (schema.pattern) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
  }
  return fc.string({ minLength, maxLength });
}

function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000;
  const max = schema.maximum ?? 1_000_000;
  const integers = fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  if (schema.type === 'integer') return integers;
  return fc.oneof(
    { weight: 3, arbitrary: integers },
    { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
  );
}

function objectArbitrary(schema: Schema, context: ValueContext): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  if (Object.keys(properties).length === 0) {
    const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (!values) return fc.constant({});
    return fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,11}$/), schemaValue(values, context, ''), {
      maxKeys: 3,
    });
  }
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, schemaValue(property, context, name)]),
  );
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) });
}

/** Any value the schema allows; `name` is the property it is for (it picks known ids). */
export function schemaValue(raw: Schema, context: ValueContext, name = ''): fc.Arbitrary<unknown> {
  const schema = flatten(raw);
  const generated = generatedValue(schema, context, name);
  const example = schema.example === undefined ? undefined : keepOnLoopback(schema.example);
  // A known id beats the example's made-up one: the request then reaches the record.
  const preferExample = example !== undefined && !(schema.format === 'uuid' && context.idFor(name));
  const value = preferExample
    ? fc.oneof({ weight: 3, arbitrary: fc.constant(example) }, { weight: 2, arbitrary: generated })
    : generated;
  return schema.nullable
    ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    : value;
}

function generatedValue(schema: Schema, context: ValueContext, name: string): fc.Arbitrary<unknown> {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) return fc.oneof(...branches.map((branch) => schemaValue(branch, context, name)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, name, context);
    case 'integer':
    case 'number':
      return numberArbitrary(schema);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schemaValue(schema.items ?? {}, context, singular(name)), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object':
      return objectArbitrary(schema, context);
    default:
      return schema.properties ? objectArbitrary(schema, context) : fc.constant({});
  }
}

/** `contactIds` → `contactId`, so that array items find their resource. */
const singular = (name: string) => (name.endsWith('Ids') ? name.slice(0, -1) : name);
