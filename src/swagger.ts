import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { documentCommonErrorResponses } from './openapi/common-error-responses.js';
import { documentValidationConstraints } from './openapi/validation-constraints.js';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Switchboard API')
    .setDescription(
      'Business messaging over SMS, WhatsApp and the other Sinch Conversation channels, through Sinch and Plivo. ' +
        'Every route needs `Authorization: Bearer <accessToken>` (from `POST /api/v1/auth/login`) unless marked public. ' +
        'Errors share one body: `{statusCode, error, message, details?, requestId}`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentValidationConstraints(document);
  documentCommonErrorResponses(document);
  return document;
}

/** Swagger UI at /docs, the OpenAPI document at /docs-json. */
export function setUpSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Switchboard API',
    swaggerOptions: { persistAuthorization: true },
  });
}
