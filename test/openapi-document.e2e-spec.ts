import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { openApiDocumentWithoutServer } from '../src/openapi/document-without-server.js';
import { dereference, type OpenApiDocument, operationsOf } from './reliability/support/openapi-operations.js';
import { loadRouteCatalogue, type Route } from './reliability/support/route-catalogue.js';
import { OpenApiSchemaValidator } from './support/openapi-schema-validator.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ROOT = join(__dirname, '..');
/** Routes that answer without the database, so cannot answer 503. */
const WITHOUT_DATABASE = new Set(['GET /health/live', 'GET /metrics']);
const SCHEMA_KEYS = ['type', 'properties', 'items', 'enum', 'format', 'allOf', 'oneOf', 'anyOf'];

/** Every schema in the document that carries an `example`, with where it is. */
function schemasWithExamples(node: unknown, at: string, found: Array<{ at: string; schema: object }> = []) {
  if (Array.isArray(node)) node.forEach((item, index) => schemasWithExamples(item, `${at}/${index}`, found));
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if ('example' in record && SCHEMA_KEYS.some((key) => key in record)) found.push({ at, schema: record });
    for (const [key, value] of Object.entries(record)) {
      // An example's own contents are data, not schemas.
      if (key !== 'example') schemasWithExamples(value, `${at}/${key}`, found);
    }
  }
  return found;
}

describe('The OpenAPI document', () => {
  let sut: TestApp;
  let served: OpenApiDocument;
  let routes: Route[];

  beforeAll(async () => {
    sut = await startTestApp();
    served = (await sut.http.get('/docs-json').expect(200)).body as OpenApiDocument;
    routes = await loadRouteCatalogue(sut.url);
  });
  afterAll(() => sut.close());

  it('is the same when built without a server, which is what the console types are generated from', async () => {
    expect(JSON.parse(JSON.stringify(await openApiDocumentWithoutServer()))).toEqual(served);
  });

  it('matches the console types committed in console/src/api/schema.ts (else: npm run openapi:types)', async () => {
    const check = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'dist', 'scripts', 'openapi-types.js'), '--check'],
      { cwd: ROOT },
    ).catch((error: unknown) => {
      const failed = error as { stderr?: string; message?: string };
      return { stdout: '', stderr: failed.stderr || (failed.message ?? 'the check failed') };
    });

    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('matches the OpenAPI document');
  });

  it('has examples that are valid instances of their own schemas', async () => {
    const validator = new OpenApiSchemaValidator();
    const document = await dereference(served);
    const checked = schemasWithExamples(document.paths, '#/paths');
    const invalid = checked.flatMap(({ at, schema }) => {
      const { example, ...withoutExample } = schema as { example: unknown };
      const problems = validator.problems(withoutExample, example);
      return problems.length ? [`${at}: ${problems.map((p) => `${p.at} ${p.message}`).join('; ')}`] : [];
    });

    expect(checked.length).toBeGreaterThan(100);
    expect(invalid).toEqual([]);
  });

  it('documents on every route the errors its declaration can cause, each with the error body', async () => {
    const document = await dereference(served);
    const operations = new Map(operationsOf(document).map((operation) => [operation.operationId, operation]));
    const missing = routes.flatMap((route) => {
      const operation = operations.get(route.operationId)!;
      const documented = new Set(Object.keys(operation.responses).map(Number));
      const needs: Array<[number, string]> = [];
      if (!route.isPublic) needs.push([401, 'it needs a token'], [503, 'the auth guard reads the database']);
      if (route.roles.length > 0) needs.push([403, `it needs the ${route.roles.join('/')} role`]);
      if (route.params.length > 0) needs.push([400, 'it has path parameters'], [404, 'it names a record']);
      if (operation.body) needs.push([400, 'it takes a body'], [413, 'bodies have a size limit']);
      if (!WITHOUT_DATABASE.has(operation.label)) needs.push([503, 'it uses the database']);
      const problems = needs.filter(([status]) => !documented.has(status)).map(([s, why]) => `${s} (${why})`);
      if (route.isPublic === operation.authenticated)
        problems.push(
          route.isPublic ? 'a security requirement on a public route' : 'no security requirement',
        );
      if (![...documented].some((status) => status >= 200 && status < 300))
        problems.push('no success response');
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content['application/json'] as { properties?: object } | undefined;
        if (Number(status) >= 400 && !(schema?.properties && 'requestId' in schema.properties))
          problems.push(`${status} without the JSON error body`);
      }
      return problems.length ? [`${operation.label}: ${problems.join(', ')}`] : [];
    });

    expect(routes.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('declares every parameter of every path template', () => {
    const undeclared = operationsOf(served).flatMap((operation) =>
      [...operation.path.matchAll(/\{(\w+)\}/g)]
        .map((match) => match[1])
        .filter((name) => !operation.parameters.some((p) => p.in === 'path' && p.name === name))
        .map((name) => `${operation.label}: {${name}}`),
    );

    expect(undeclared).toEqual([]);
  });
});
