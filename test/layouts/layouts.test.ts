import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { layoutWorld, loadLayout, runStep, stepName } from '../support/layout-harness.ts';

/**
 * Each fixture under test/fixtures/layouts is a small GitOps repository (or several) shaped
 * like a public one, with the steps of its chain in layout.yml. Every step's outcome (replies,
 * PRs, commits, diffs) is compared with expected/<step>.txt; UPDATE_LAYOUTS=1 rewrites them.
 */
const root = join(repoRoot, 'test/fixtures/layouts');
const update = process.env.UPDATE_LAYOUTS === '1';

for (const name of readdirSync(root).sort()) {
  const layout = loadLayout(join(root, name));
  describe(`layout ${name}`, () => {
    const world = layoutWorld(layout);
    layout.steps.forEach((step, index) => {
      const title = stepName(step, index);
      it(title, async () => {
        const actual = `${await runStep(world, layout, step)}\n`;
        const file = join(layout.dir, 'expected', `${title.replace(/[^A-Za-z0-9.-]+/g, '-')}.txt`);
        if (update || !existsSync(file)) {
          if (!update) throw new Error(`${file} is missing; run with UPDATE_LAYOUTS=1 and review it`);
          mkdirSync(join(layout.dir, 'expected'), { recursive: true });
          writeFileSync(file, actual);
        }
        expect(actual).toBe(readFileSync(file, 'utf8'));
      });
    });
  });
}
