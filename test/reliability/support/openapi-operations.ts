import SwaggerParser from '@apidevtools/swagger-parser';

/** The parts of an OpenAPI 3.0 schema object that the fuzzer reads (after dereferencing). */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  nullable?: boolean;
  example?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

interface DocumentedResponse {
  /** Media type → schema (a response without content has none). */
  content: Record<string, Schema | undefined>;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path template, e.g. `/api/v1/channels/{id}`. */
  path: string;
  operationId: string;
  label: string;
  parameters: Parameter[];
  /** Media type and schema of the request body, when the operation takes one. */
  body?: { mediaType: string; schema: Schema; required: boolean };
  /** Status code (or `default`) → what the document says comes back. */
  responses: Record<string, DocumentedResponse>;
  /** Whether the operation declares a security requirement (a bearer token). */
  authenticated: boolean;
  produces: string[];
}

interface RawOperation {
  operationId?: string;
  parameters?: Array<{ name: string; in: Parameter['in']; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, Schema> };
  security?: unknown[];
}

const METHODS = new Set(['get', 'post', 'patch', 'put', 'delete']);

/** Reads the served document, dereferenced: every `$ref` replaced by the schema it names. */
export async function fetchDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/docs-json`);
  if (!response.ok) throw new Error(`GET /docs-json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export async function dereference(document: OpenApiDocument): Promise<OpenApiDocument> {
  return (await SwaggerParser.dereference(structuredClone(document) as never)) as unknown as OpenApiDocument;
}

/** Every operation of a dereferenced document, in document order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => METHODS.has(method))
      .map(([method, raw]): Operation => {
        const mediaTypes = Object.entries(raw.requestBody?.content ?? {});
        const [mediaType, media] = mediaTypes[0] ?? [];
        const responses = Object.fromEntries(
          Object.entries(raw.responses).map(([status, response]) => [
            status,
            {
              content: Object.fromEntries(
                Object.entries(response.content ?? {}).map(([type, value]) => [type, value.schema]),
              ),
            },
          ]),
        );
        return {
          method: method.toUpperCase() as Operation['method'],
          path,
          operationId: raw.operationId ?? `${method} ${path}`,
          label: `${method.toUpperCase()} ${path}`,
          parameters: (raw.parameters ?? []).map((parameter) => ({
            name: parameter.name,
            in: parameter.in,
            required: parameter.required ?? parameter.in === 'path',
            schema: parameter.schema ?? { type: 'string' },
          })),
          body:
            mediaType && media?.schema
              ? { mediaType, schema: media.schema, required: raw.requestBody?.required ?? false }
              : undefined,
          responses,
          authenticated: (raw.security ?? document.security ?? []).length > 0,
          produces: [...new Set(Object.values(responses).flatMap((r) => Object.keys(r.content)))],
        };
      }),
  );
}

/** `allOf` folded into one schema (what nestjs/swagger emits for a `$ref` with a description). */
export function flatten(schema: Schema): Schema {
  if (!schema.allOf) return schema;
  const { allOf, ...rest } = schema;
  return allOf.map(flatten).reduce<Schema>((merged, part) => {
    const combined: Schema = { ...part, ...merged };
    if (part.properties || merged.properties)
      combined.properties = { ...part.properties, ...merged.properties };
    if (part.required || merged.required)
      combined.required = [...new Set([...(part.required ?? []), ...(merged.required ?? [])])];
    return combined;
  }, rest);
}
