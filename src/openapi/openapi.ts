import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorDto } from '@/common/openapi.js';

export const API_TITLE = 'Shop API';

/** Builds the OpenAPI document: operationIds are the controller method names (API.md). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(
      'E-commerce API: accounts, catalog, cart, checkout, orders and real-time order notifications. ' +
        'Money is integer minor units with an ISO 4217 `currency`. Every error has one shape (`Error`).',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ErrorDto],
  });
}

/** Serves Swagger UI at /docs and the document at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: `${API_TITLE} docs`,
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
}
