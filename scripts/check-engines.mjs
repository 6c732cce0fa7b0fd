// Fails when an installed package declares Node versions that exclude the running one: npm only
// warns (EBADENGINE) and carries on, and such a package may then break at run time. `npm test`
// runs this first, so CI on the oldest supported Node catches a dependency that moved on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import semver from 'semver';

const root = join(import.meta.dirname, '..');
const running = process.versions.node;
const problems = [];

function visit(modulesDir) {
  let entries;
  try {
    entries = readdirSync(modulesDir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dir = join(modulesDir, entry.name);
    if (entry.name.startsWith('@')) {
      visit(dir);
      continue;
    }
    check(dir);
    visit(join(dir, 'node_modules'));
  }
}

function check(dir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return;
  }
  const range = manifest.engines?.node;
  if (typeof range !== 'string' || range.trim() === '') return;
  if (!semver.satisfies(running, range, { includePrerelease: true, loose: true })) {
    problems.push(
      `${manifest.name}@${manifest.version} (${dir.slice(root.length + 1)}) requires Node ${range}`,
    );
  }
}

visit(join(root, 'node_modules'));

if (problems.length > 0) {
  process.stderr.write(
    `${problems.length} installed package(s) do not support the running Node ${running}:\n  ${problems.join('\n  ')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`Every installed package supports Node ${running}.\n`);
