import { randomBytes, randomUUID } from 'node:crypto';

import fc from 'fast-check';

import { OpenApiSchemaValidator } from '../support/openapi-schema-validator.js';
import { type ApiFixtures, createApiFixtures } from './support/api-fixtures.js';
import { describeExchange, errorBodyProblem } from './support/error-body.js';
import { type Exchange, expectStatus, type TokenPair } from './support/http-client.js';
import {
  dereference,
  fetchDocument,
  flatten,
  type Operation,
  operationsOf,
  type Schema,
} from './support/openapi-operations.js';
import { detailsName, type Mutation, mutationsOf } from './support/schema-mutations.js';
import { keepOnLoopback, schemaValue, type ValueContext } from './support/schema-values.js';
import { type ServerUnderTest, startServerUnderTest } from './support/server-under-test.js';

/**
 * Schema-driven fuzzing, the way Schemathesis checks an API from the outside: read the running
 * server's OpenAPI document, generate requests for every operation from its schemas and examples,
 * break them one place at a time (a required field dropped or null, a wrong type, an empty or
 * oversized string, an unknown property, a value outside an enum, a malformed id), and check every
 * answer against the same document: never a 5xx, only documented statuses, every JSON body valid
 * against the documented schema (Ajv), never a secret or a stack trace, and a broken request that
 * the document plainly forbids is a 400 that names the field.
 *
 * Reproduce a failure with the seed it prints: `SCHEMA_FUZZ_SEED=<seed> npm run test:reliability
 * -- --testPathPatterns schema-fuzz` (fast-check also prints the shrunk case and its path).
 */
const SEED = Number(process.env.SCHEMA_FUZZ_SEED ?? 20_261_206);
const CASES = Number(process.env.SCHEMA_FUZZ_CASES ?? 5_200);
/** Set to list every distinct problem at the end instead of stopping (and shrinking) at the first. */
const SURVEY = process.env.SCHEMA_FUZZ_SURVEY === '1';
/** Runners side by side, each with its own seed (SEED + i) and share of the cases. */
const PARALLEL = 4;
/** Request bodies and secrets that must never come back. */
const SECRET_FIELDS = new Set(['password', 'apiToken', 'keySecret', 'authToken', 'webhookSecret']);
const STACK_TRACE = /\n\s+at \S.*:\d+:\d+\)?|\.[cm]?[jt]s:\d+:\d+|node_modules\//;

type Auth = 'admin' | 'agent' | 'none' | 'forged';

interface FuzzCase {
  operation: string;
  auth: Auth;
  mutation: string;
  method: string;
  path: string;
  contentType?: string;
  body?: unknown;
  /** What the answer must be: a 400 naming this field ('' when the whole request is at fault). */
  expect400?: { field: string };
}

/** How fast-check prints a case: oversized strings cut, so that the shrunk case stays readable. */
function withCompactPrint(fuzz: FuzzCase): FuzzCase {
  const cut = (_key: string, value: unknown) =>
    typeof value === 'string' && value.length > 120 ? `${value.slice(0, 60)}…(${value.length} chars)` : value;
  return Object.assign(fuzz, { [fc.toStringMethod]: () => JSON.stringify(fuzz, cut) });
}

const hasRequiredFields = (schema: Schema): boolean => {
  const flat = flatten(schema);
  return (flat.required ?? []).length > 0 || (flat.oneOf ?? flat.anyOf ?? []).some(hasRequiredFields);
};

const isWebhook = (operation: Operation) => operation.path.startsWith('/api/v1/webhooks/');
const isEventStream = (operation: Operation) => operation.produces.includes('text/event-stream');

describe('Schema-driven fuzzing', () => {
  const validator = new OpenApiSchemaValidator();
  let server: ServerUnderTest;
  let admin: TokenPair;
  let agent: TokenPair;
  let fixtures: ApiFixtures;
  let operations: Operation[];

  beforeAll(async () => {
    server = await startServerUnderTest({
      env: {
        LOG_LEVEL: 'error',
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
        LOGIN_MAX_ATTEMPTS_PER_EMAIL: '1000000',
      },
    });
    admin = await server.loginAdmin();
    fixtures = await createApiFixtures(server.client, admin.accessToken);
    const agentEmail = `schema-fuzz-agent-${randomUUID()}@example.com`;
    expectStatus(
      await server.client.post('/api/v1/users', {
        json: { email: agentEmail, password: 'schema fuzz agent password', role: 'agent' },
        token: admin.accessToken,
      }),
      201,
    );
    agent = expectStatus<TokenPair>(
      await server.client.post('/api/v1/auth/login', {
        json: { email: agentEmail, password: 'schema fuzz agent password' },
      }),
      200,
    );
    operations = operationsOf(await dereference(await fetchDocument(server.url)));
  });
  afterAll(async () => {
    await server?.close();
  });

  const context: ValueContext = {
    idFor: (name) => {
      const resource = /^(\w+?)Id$/.exec(name)?.[1];
      if (!resource) return undefined;
      const plural = { user: 'users', assignee: 'users', author: 'users' }[resource] ?? `${resource}s`;
      return (fixtures as unknown as Record<string, string | undefined>)[plural];
    },
  };

  /** The record behind `{id}` of `/api/v1/<resource>/{id}…`, or the fixture channel for webhooks. */
  const fixtureFor = (operation: Operation, parameter: string): string | undefined => {
    if (parameter === 'channelId') return fixtures.channels;
    if (parameter === 'deliveryId') return fixtures['webhook-deliveries'];
    const resource = /^\/api\/v1\/([\w-]+)\//.exec(operation.path)?.[1];
    return resource ? (fixtures as unknown as Record<string, string | undefined>)[resource] : undefined;
  };

  /** Valid values for the operation's parameters and body, before any mutation. */
  const validRequest = (operation: Operation) => {
    const pathValues = fc.record(
      Object.fromEntries(
        operation.parameters
          .filter((parameter) => parameter.in === 'path')
          .map((parameter) => {
            const fixture = fixtureFor(operation, parameter.name);
            const arbitrary =
              parameter.name === 'token'
                ? fc.constant(randomBytes(16).toString('hex'))
                : fixture
                  ? fc.oneof(
                      { weight: 4, arbitrary: fc.constant(fixture) },
                      { weight: 1, arbitrary: fc.uuid() },
                    )
                  : fc.uuid();
            return [parameter.name, arbitrary];
          }),
      ),
    );
    const queryValues = fc.record(
      Object.fromEntries(
        operation.parameters
          .filter((parameter) => parameter.in === 'query' && parameter.name !== 'access_token')
          .map((parameter) => [parameter.name, schemaValue(parameter.schema, context, parameter.name)]),
      ),
      { requiredKeys: operation.parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name) },
    );
    const body = operation.body
      ? schemaValue(operation.body.schema, context).map(keepOnLoopback)
      : fc.constant(undefined);
    return fc.record({ pathValues, queryValues, body });
  };

  /** Mutations of the query string: each documented parameter given a value of the wrong kind, and one nobody declared. */
  const queryMutations = (operation: Operation): Array<Mutation & { on: 'query' }> =>
    operation.parameters
      .filter((parameter) => parameter.in === 'query' && parameter.name !== 'access_token')
      .flatMap((parameter) => {
        const { schema, name } = parameter;
        const set = (value: unknown) => (query: unknown) => ({ ...(query as object), [name]: value });
        const list: Array<Mutation & { on: 'query' }> = [];
        if (schema.type === 'number' || schema.type === 'integer') {
          list.push({
            on: 'query',
            kind: 'wrong type',
            field: name,
            strict: true,
            apply: set('not-a-number'),
          });
          if (schema.maximum !== undefined)
            list.push({
              on: 'query',
              kind: 'wrong type',
              field: name,
              strict: true,
              apply: set(schema.maximum + 1),
            });
        }
        if (schema.type === 'boolean')
          list.push({ on: 'query', kind: 'wrong type', field: name, strict: true, apply: set('maybe') });
        if (schema.enum)
          list.push({
            on: 'query',
            kind: 'wrong enum value',
            field: name,
            strict: true,
            apply: set('not-a-listed-value'),
          });
        if (schema.format === 'uuid')
          list.push({
            on: 'query',
            kind: 'malformed id',
            field: name,
            strict: true,
            apply: set('not-a-uuid'),
          });
        return list;
      });

  const caseFor = (operation: Operation): fc.Arbitrary<FuzzCase> => {
    const auths: Auth[] = !operation.authenticated
      ? ['none']
      : isEventStream(operation)
        ? ['none', 'forged'] // a valid token keeps the stream open: only refusals can be checked
        : ['admin', 'admin', 'admin', 'admin', 'admin', 'admin', 'agent', 'agent', 'none', 'forged'];
    return fc
      .record({
        valid: validRequest(operation),
        auth: fc.constantFrom(...auths),
        pick: fc.nat(),
        mutate: fc.nat(99),
      })
      .map(({ valid, auth, pick, mutate }): FuzzCase => {
        const json = operation.body?.mediaType === 'application/json';
        const pathMutations: Array<Mutation & { on: 'path' }> = operation.parameters
          .filter((parameter) => parameter.in === 'path' && parameter.schema.format === 'uuid')
          .map((parameter) => ({
            on: 'path',
            kind: 'malformed id',
            field: parameter.name,
            strict: true,
            apply: (values: unknown) => ({ ...(values as object), [parameter.name]: 'not-a-uuid' }),
          }));
        const bodyMutations: Array<Mutation & { on: 'body' }> = operation.body
          ? [
              ...mutationsOf(operation.body.schema, valid.body, validator).map((m) => ({
                ...m,
                on: 'body' as const,
                strict: m.strict && json,
              })),
              {
                on: 'body' as const,
                kind: 'drop required',
                field: '',
                // Leaving out a body whose every field is optional is asking for the defaults.
                strict: operation.body.required && json && hasRequiredFields(operation.body.schema),
                apply: () => undefined,
              },
            ]
          : [];
        const all = [...pathMutations, ...queryMutations(operation), ...bodyMutations];
        const mutation = mutate < 30 || all.length === 0 ? undefined : all[pick % all.length];

        const pathValues =
          mutation?.on === 'path' ? (mutation.apply(valid.pathValues) as object) : valid.pathValues;
        const queryValues =
          mutation?.on === 'query' ? (mutation.apply(valid.queryValues) as object) : valid.queryValues;
        const body = mutation?.on === 'body' ? mutation.apply(valid.body) : valid.body;

        const path = operation.path.replace(/\{(\w+)\}/g, (_whole, name: string) =>
          encodeURIComponent(String((pathValues as Record<string, unknown>)[name])),
        );
        const query = new URLSearchParams(
          Object.entries(queryValues)
            .filter(([, value]) => value !== undefined && value !== null)
            .map(([key, value]): [string, string] => [key, String(value)]),
        ).toString();
        // Strictness is judged where the request reaches validation: past authentication and a role check.
        const reachesValidation = operation.authenticated ? auth === 'admin' : !isWebhook(operation);
        const documents400 = '400' in operation.responses;
        return withCompactPrint({
          operation: operation.label,
          auth,
          mutation: mutation
            ? `${mutation.kind} ${mutation.on}${mutation.field ? ` ${mutation.field}` : ''}`
            : 'none',
          method: operation.method,
          path: query ? `${path}?${query}` : path,
          contentType: body === undefined ? undefined : operation.body?.mediaType,
          body,
          expect400:
            mutation?.strict && reachesValidation && documents400
              ? { field: mutation.on === 'path' ? '' : mutation.field }
              : undefined,
        });
      });
  };

  const tokenFor = (auth: Auth): string | undefined =>
    ({
      admin: admin.accessToken,
      agent: agent.accessToken,
      none: undefined,
      forged: `${admin.accessToken.slice(0, -4)}AAAA`,
    })[auth];

  const encodeBody = (fuzz: FuzzCase): string | undefined => {
    if (fuzz.body === undefined) return undefined;
    if (fuzz.contentType === 'application/x-www-form-urlencoded')
      return new URLSearchParams(
        Object.entries(fuzz.body as Record<string, unknown>).map(([k, v]): [string, string] => [
          k,
          String(v),
        ]),
      ).toString();
    if (fuzz.contentType === 'multipart/form-data') {
      const fields = (fuzz.body ?? {}) as Record<string, unknown>;
      return (
        Object.entries(fields)
          .map(
            ([name, value]) =>
              `--FuzzBoundary\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\n` +
              `Content-Type: text/csv\r\n\r\n${String(value)}\r\n`,
          )
          .join('') + '--FuzzBoundary--\r\n'
      );
    }
    return JSON.stringify(fuzz.body);
  };

  const secretsSent = (value: unknown, found: string[] = []): string[] => {
    if (Array.isArray(value)) value.forEach((item) => secretsSent(item, found));
    else if (typeof value === 'object' && value !== null)
      for (const [key, item] of Object.entries(value)) {
        if (SECRET_FIELDS.has(key) && typeof item === 'string' && item.length >= 8) found.push(item);
        else secretsSent(item, found);
      }
    return found;
  };

  /** Why the answer breaks the document or the contract, or undefined when it keeps both. */
  const problemWith = (operation: Operation, fuzz: FuzzCase, answer: Exchange): string | undefined => {
    if (answer.status === 0 || answer.status >= 500) return 'a 5xx or no answer';
    const documented = operation.responses[String(answer.status)] ?? operation.responses.default;
    if (!documented)
      return `status ${answer.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`;

    const contentType = (answer.headers.get('content-type') ?? '').split(';')[0].trim();
    const mediaTypes = Object.keys(documented.content);
    if (answer.text.length > 0 && mediaTypes.length === 0) return `a body where the document promises none`;
    if (answer.text.length > 0 && !mediaTypes.includes(contentType))
      return `content type ${contentType} is not documented (documented: ${mediaTypes.join(', ')})`;
    const schema = documented.content[contentType];
    if (contentType === 'application/json' && schema) {
      const problems = validator.problems(schema, answer.json);
      if (problems.length > 0)
        return `the body does not match the documented schema: ${problems
          .slice(0, 5)
          .map((p) => `${p.at} ${p.message}`)
          .join('; ')}`;
    }
    if (answer.status >= 400) {
      const problem = errorBodyProblem(answer);
      if (problem) return problem;
    }
    if (STACK_TRACE.test(answer.text)) return 'the body shows a stack trace';
    const leaked = [
      server.jwtSecret,
      server.credentialsKey,
      server.admin.password,
      ...secretsSent(fuzz.body),
    ].find((secret) => answer.text.includes(secret));
    if (leaked) return `the body shows a secret (${leaked.slice(0, 4)}…)`;

    if (fuzz.expect400) {
      // A route with an {id} may look the record up before validating what depends on it.
      const lookedUpFirst = answer.status === 404 && operation.parameters.some((p) => p.in === 'path');
      if (answer.status !== 400 && !lookedUpFirst) return `expected a 400 for "${fuzz.mutation}"`;
      const details = (answer.json as { details?: unknown } | undefined)?.details;
      if (answer.status === 400 && fuzz.expect400.field && !detailsName(details, fuzz.expect400.field))
        return `the 400 does not name ${fuzz.expect400.field} in details`;
    }
    return undefined;
  };

  it('answers every generated and mutated request as the document says', async () => {
    const byOperation = new Map(operations.map((operation) => [operation.label, operation]));
    const tally = new Map<string, Map<number, number>>();
    const caseArbitrary = fc.oneof(...operations.map(caseFor));
    const started = Date.now();
    const found = new Map<string, string>();

    const runner = (index: number) =>
      fc.assert(
        fc.asyncProperty(caseArbitrary, async (fuzz) => {
          const operation = byOperation.get(fuzz.operation)!;
          const token = tokenFor(fuzz.auth);
          const headers: Record<string, string> = {};
          if (fuzz.contentType)
            headers['content-type'] =
              fuzz.contentType === 'multipart/form-data'
                ? 'multipart/form-data; boundary=FuzzBoundary'
                : fuzz.contentType;
          const answer = await server.client
            .request(fuzz.method, fuzz.path, { headers, token, body: encodeBody(fuzz), timeoutMs: 20_000 })
            .catch((error: unknown): Exchange => ({
              method: fuzz.method,
              path: fuzz.path,
              status: 0,
              headers: new Headers(),
              text: `no answer: ${error instanceof Error ? error.message : String(error)}`,
              json: undefined,
              startedAt: 0,
              endedAt: 0,
            }));
          const counts = tally.get(fuzz.operation) ?? new Map<number, number>();
          counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
          tally.set(fuzz.operation, counts);
          const problem = problemWith(operation, fuzz, answer);
          if (!problem) return;
          if (!SURVEY) throw new Error(`${problem}: ${describeExchange(answer)}`);
          const key = `${fuzz.operation}: ${problem.slice(0, 160)}`;
          if (!found.has(key)) found.set(key, `${describeExchange(answer)}\n    case: ${fc.stringify(fuzz)}`);
        }),
        { seed: SEED + index, numRuns: Math.ceil(CASES / PARALLEL), includeErrorInReport: true },
      );

    try {
      await Promise.all(Array.from({ length: PARALLEL }, (_, index) => runner(index)));
    } catch (error) {
      throw new Error(
        `Schema fuzzing failed (base seed ${SEED}, runners SEED+0…${PARALLEL - 1}; rerun with SCHEMA_FUZZ_SEED=${SEED}):\n${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }

    const seconds = (Date.now() - started) / 1000;
    const total = [...tally.values()].reduce(
      (sum, counts) => sum + [...counts.values()].reduce((a, b) => a + b, 0),
      0,
    );
    const summary = operations.map((operation) => {
      const counts = tally.get(operation.label) ?? new Map<number, number>();
      return `${operation.label}: ${[...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`;
    });
    process.stdout.write(
      `schema fuzzing: ${total} cases in ${seconds.toFixed(1)} s\n${summary.join('\n')}\n`,
    );

    if (SURVEY)
      process.stdout.write(
        `${found.size} distinct problems:\n${[...found].map(([key, example]) => `- ${key}\n    ${example}`).join('\n')}\n`,
      );
    expect([...found.keys()]).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(5_000);
    // Every operation was tried, and most of them also with a request they accepted.
    expect(operations.filter((operation) => !tally.has(operation.label)).map((o) => o.label)).toEqual([]);
    const accepted = operations.filter((operation) =>
      [...(tally.get(operation.label)?.keys() ?? [])].some((status) => status >= 200 && status < 300),
    );
    expect(accepted.length).toBeGreaterThanOrEqual(Math.floor(operations.length / 2));
    // Generous: the machine is shared; the figure that matters is the one printed above.
  }, 900_000);
});
