import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/** The bounds class-validator enforces that a client can read from a schema. */
const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
] as const;

type Schema = SchemaObject & { items?: Schema; properties?: Record<string, Schema> };

function copyConstraints(target: Schema, source: Schema): void {
  for (const key of CONSTRAINTS) {
    if (target[key] === undefined && source[key] !== undefined)
      (target as Record<string, unknown>)[key] = source[key];
  }
  // `@IsInt()` on a `number` property: the document says integer, as the validator does.
  if (target.type === 'number' && source.type === 'integer') target.type = 'integer';
  if (target.items && source.items && !('$ref' in target.items)) copyConstraints(target.items, source.items);
}

/**
 * Writes the bounds of every DTO's class-validator decorators (`@MaxLength`, `@Matches`,
 * `@IsNotEmpty`, `@IsEmail`, `@Min`, `@ArrayMaxSize`, …) into the document's schemas of the same
 * name, where `@ApiProperty` did not state them: the document then refuses exactly what the
 * validation pipe refuses, and nobody has to repeat a bound by hand.
 */
export function documentValidationConstraints(document: OpenAPIObject): void {
  const derived = validationMetadatasToSchemas() as Record<string, Schema>;
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const [name, schema] of Object.entries(schemas)) {
    const source = derived[name];
    if (!source?.properties || !schema.properties) continue;
    for (const [property, target] of Object.entries(schema.properties)) {
      const from = source.properties[property];
      if (from && !('$ref' in target)) copyConstraints(target, from);
    }
  }
}
