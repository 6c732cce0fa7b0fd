import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** ajv-formats is CommonJS; under ESM interop its default export may arrive wrapped. */
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An OpenAPI 3.0 schema as the JSON Schema Ajv understands: `nullable: true` becomes "or null"
 * (also where there is no `type`, e.g. beside `allOf`), and the annotations OpenAPI adds
 * (`example`, `discriminator`, `xml`, `externalDocs`) are dropped; `discriminator` only names the
 * property that already tells the `oneOf` branches apart, which `oneOf` checks by itself.
 */
const ANNOTATIONS = new Set(['example', 'discriminator', 'xml', 'externalDocs']);

function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const { nullable, ...rest } = schema;
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(rest)) {
    if (ANNOTATIONS.has(key)) continue;
    // `properties` and the like map names to schemas; `enum`, `required` and `default` hold data.
    if (key === 'properties' || key === 'patternProperties')
      converted[key] = Object.fromEntries(
        Object.entries(value as JsonObject).map(([name, sub]) => [name, toJsonSchema(sub)]),
      );
    else if (key === 'enum' || key === 'required' || key === 'default') converted[key] = value;
    else converted[key] = toJsonSchema(value);
  }
  if (nullable !== true) return converted;
  if (Array.isArray(converted.enum) && !converted.enum.includes(null))
    converted.enum = [...(converted.enum as unknown[]), null];
  return { anyOf: [converted, { type: 'null' }] };
}

export interface SchemaProblem {
  /** JSON pointer into the value, `/items/0/config`. */
  at: string;
  message: string;
}

/**
 * Validates values against OpenAPI 3.0 schemas with Ajv (every error, formats checked).
 * Compiled validators are kept per schema object, so a dereferenced document is compiled once.
 */
export class OpenApiSchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI's file-upload format: any string.
    this.ajv.addFormat('binary', true);
  }

  problems(schema: object, value: unknown): SchemaProblem[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error: ErrorObject) => ({
      at: error.instancePath || '/',
      message: `${error.message ?? 'is invalid'}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`,
    }));
  }
}
