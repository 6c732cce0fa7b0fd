import SwaggerParser from '@apidevtools/swagger-parser';

import { bodyOf } from './support/bodies.js';
import { createIsolatedDatabase } from './support/isolated-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

type OpenApiDocument = Parameters<typeof SwaggerParser.validate>[0];

describe('Operations', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it('reports liveness without authentication', async () => {
    const response = await sut.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports readiness while the database answers', async () => {
    const response = await sut.http.get('/health/ready').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('exposes Prometheus metrics: process metrics and request durations by route and status', async () => {
    await sut.http.get('/api/v1/users/00000000-0000-4000-8000-000000000000').expect(401);

    const response = await sut.http.get('/metrics').expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('process_cpu_user_seconds_total');
    expect(response.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:id",status_code="401"\} \d+/,
    );
  });

  describe('the OpenAPI document', () => {
    it('is valid OpenAPI', async () => {
      const response = await sut.http.get('/docs-json').expect(200);

      await expect(
        SwaggerParser.validate(structuredClone(bodyOf<OpenApiDocument>(response))),
      ).resolves.toBeDefined();
    });

    it('tags and describes every operation and declares the bearer scheme', async () => {
      const document = (await sut.http.get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { tags?: string[]; summary?: string }>>;
        components: { securitySchemes: Record<string, { scheme: string }> };
      };
      const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          ...operation,
        })),
      );

      expect(operations.length).toBeGreaterThan(8);
      expect(
        operations.filter((operation) => !operation.tags?.length || !operation.summary).map((o) => o.route),
      ).toEqual([]);
      expect(document.components.securitySchemes.bearer.scheme).toBe('bearer');
    });

    it('serves the Swagger UI at /docs', async () => {
      const response = await sut.http.get('/docs').redirects(1).expect(200);
      expect(response.text).toContain('swagger-ui');
    });
  });

  it('answers 503 on readiness while the database is down, and recovers without a restart', async () => {
    const database = await createIsolatedDatabase();
    const isolated = await startTestApp({ DATABASE_URL: database.url });
    try {
      await isolated.http.get('/health/ready').expect(200);

      await database.takeDown();
      const down = await isolated.http.get('/health/ready').expect(503);
      expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      // Liveness is about the process, not its dependencies.
      await isolated.http.get('/health/live').expect(200);

      await database.bringUp();
      await waitFor(
        async () => (await isolated.http.get('/health/ready')).status,
        (status) => status === 200,
        { description: '/health/ready to answer 200 again', timeoutMs: 15_000, intervalMs: 250 },
      );
    } finally {
      await isolated.close();
      await database.destroy();
    }
  });
});
