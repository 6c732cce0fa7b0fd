import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Vite's output directory for hashed files (its `assetsDir`): their names change with their content. */
const HASHED_ASSETS_DIR = 'assets';

/**
 * The project root: the nearest directory above `from` that holds a package.json. It is found
 * rather than counted because this module runs from src/ under the tests and from dist/src/ when built.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Where `npm run build:console` writes the console. */
export const DEFAULT_CONSOLE_DIST = join(projectRoot(import.meta.dirname), 'console', 'dist');

/** Hashed assets never change under their name and can be cached for a year; everything else is revalidated. */
export function cacheControlFor(distDir: string, filePath: string): string {
  return filePath.startsWith(join(distDir, HASHED_ASSETS_DIR) + sep)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

/**
 * A client-side route (`/inbox/…`, `/campaigns/new`) gets the app's index.html; a path naming a
 * file (it has an extension) that does not exist is a plain 404, never HTML served as a script.
 */
export function isClientRoute(path: string): boolean {
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !lastSegment.includes('.');
}
