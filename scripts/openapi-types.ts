import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

import { openApiDocumentWithoutServer } from '../src/openapi/document-without-server.js';

/**
 * Writes the console's API types (console/src/api/schema.ts) from the OpenAPI document, so that
 * the console is typed by the same document clients get at /docs-json. With `--check` it writes
 * nothing and fails when the committed file differs from what the document gives now.
 *
 *   npm run openapi:types          regenerate after changing a route or a DTO
 *   npm run openapi:types -- --check
 */
const TARGET = fileURLToPath(new URL('../../console/src/api/schema.ts', import.meta.url));
const HEADER =
  '// Generated from the OpenAPI document by `npm run openapi:types` (scripts/openapi-types.ts).\n' +
  '// Do not edit: change the DTOs and controllers in src/, then regenerate.\n';

async function generate(): Promise<string> {
  const document = await openApiDocumentWithoutServer();
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    enumValues: true,
    alphabetize: false,
  });
  const source = HEADER + astToString(ast);
  return format(source, { ...(await resolveConfig(TARGET)), filepath: TARGET });
}

async function main(): Promise<void> {
  const generated = await generate();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(TARGET, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (committed !== generated) {
      process.stderr.write(
        'console/src/api/schema.ts is stale: it differs from the OpenAPI document. Run `npm run openapi:types` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write('console/src/api/schema.ts matches the OpenAPI document\n');
    return;
  }
  writeFileSync(TARGET, generated);
  process.stdout.write('wrote console/src/api/schema.ts\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
