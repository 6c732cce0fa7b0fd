import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';

const AXE_SCRIPT = require.resolve('axe-core/axe.min.js');
const SEVERE = new Set(['serious', 'critical']);

/**
 * Runs axe-core on what the page shows now, records every violation in `artifacts` (for people to
 * read, minor ones included), and fails on a serious or critical one, naming the rule and elements.
 */
export async function checkAccessibility(page: Page, artifacts: string, name: string): Promise<void> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"')))
    await page.addScriptTag({ path: AXE_SCRIPT });
  const results = await page.evaluate<AxeResults>(
    'window.axe.run(document, { resultTypes: ["violations"] })',
  );
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(
    join(artifacts, `${name}.axe.json`),
    JSON.stringify(results.violations.map(summary), null, 2),
  );
  const severe = results.violations.filter((violation) => SEVERE.has(violation.impact ?? ''));
  if (severe.length > 0)
    throw new Error(
      `axe found ${severe.length} serious or critical problem(s) on ${name}:\n${severe
        .map(
          (violation) =>
            `- ${violation.id} (${violation.impact}): ${violation.help}\n    ${summary(violation).targets.join('\n    ')}`,
        )
        .join('\n')}`,
    );
}

function summary(violation: Result): {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
} {
  return {
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  };
}
