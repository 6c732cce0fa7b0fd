// A PGlite server in a process of its own: `node pglite-process.mjs <dataDir> [port]`, serving it
// with Switchboard's own PgliteServer (so `npm run build` must have run). Prints "READY <port>" once
// it accepts connections; SIGTERM stops it cleanly. Jest workers cannot host PGlite themselves (it
// loads its WebAssembly through a dynamic import), and keeping it out of jest's parent process keeps
// that process responsive.
import { existsSync } from 'node:fs';

import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

process.stdout.on('error', () => undefined);

const serverModule = new URL('../../dist/src/database/pglite-server.js', import.meta.url);
if (!existsSync(serverModule)) {
  process.stderr.write('dist/ is missing: run `npm run build` (npm test does) before the e2e tests\n');
  process.exit(2);
}
const { PgliteServer } = await import(serverModule.href);

const [dataDir, port = '0'] = process.argv.slice(2);
const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
const server = new PgliteServer(db);
process.stdout.write(`READY ${await server.listen(Number(port))}\n`);

const stop = async () => {
  await server.close();
  await db.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
