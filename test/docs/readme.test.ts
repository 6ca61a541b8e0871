import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

/**
 * The README's shell blocks marked `<!-- runnable -->` run word for word, from the repository
 * root, as a newcomer would paste them after `npm start` or `npm run build` (the test command
 * builds before the tests): each line must exit 0. Links to files in the repository must
 * resolve, so the README cannot point at a page that moved.
 */
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

export function runnableBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  const pattern = /<!-- runnable -->\n```sh\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern))
    blocks.push(match[1]!.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#')));
  return blocks;
}

describe('README', () => {
  const lines = runnableBlocks(readme).flat();

  it('has runnable blocks (the marker is found)', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(runnableBlocks('<!-- runnable -->\n```sh\necho a   # note\n# only a comment\n```\n')).toEqual([
      ['echo a   # note'],
    ]);
  });

  for (const line of lines) {
    it(`runs: ${line.replace(/\s+#.*$/, '')}`, () => {
      const result = spawnSync('sh', ['-c', line], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: [join(repoRoot, 'node_modules/.bin'), process.env.PATH].join(delimiter),
        },
        timeout: 60_000,
      });
      expect({ code: result.status, stderr: result.stderr }).toMatchObject({ code: 0 });
      expect(result.stdout.length).toBeGreaterThan(0);
    });
  }

  it('links only to files that exist', () => {
    const targets = [...readme.matchAll(/\]\(((?!https?:|#)[^)\s]+)\)/g)].map((m) => m[1]!);
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((t) => !existsSync(join(repoRoot, t.split('#')[0]!)))).toEqual([]);
  });

  it('stays short: reference material lives in docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });
});
