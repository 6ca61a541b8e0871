import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/index.ts';
import { ConfigError, type ConfigIssue, formatIssue } from '../../../src/core/errors.ts';

const dir = join(import.meta.dirname, '../../fixtures/config/bad');

/** Each fixture states its expected error on its first line: `# expect: LINE:COL PATH: MESSAGE-PREFIX`. */
function expectation(bytes: Buffer): { line: number; column: number; text: string } {
  const header = bytes.subarray(0, bytes.indexOf(10)).toString('utf8');
  const match = /^# expect: (\d+):(\d+) (.+)$/.exec(header);
  if (!match) throw new Error(`fixture lacks an "# expect:" header: ${header}`);
  return { line: Number(match[1]), column: Number(match[2]), text: match[3]! };
}

async function issuesOf(file: string, content: Uint8Array | string): Promise<ConfigIssue[]> {
  try {
    await loadConfig({ file, content }, async () => {
      throw new Error('no extends in these fixtures');
    });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('bad configurations are rejected with file, line, column, field and expectation', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('has at least 20 of them', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s', async (name) => {
    const bytes = readFileSync(join(dir, name));
    const expected = expectation(bytes);
    const issues = await issuesOf(name, bytes);
    const rendered = issues.map(formatIssue);
    expect(rendered.length, 'the config was accepted').toBeGreaterThan(0);
    const want = `${name}:${expected.line}:${expected.column}: ${expected.text}`;
    expect(
      rendered.some((r) => r.startsWith(want)),
      `${want}\n  not in\n${rendered.join('\n')}`,
    ).toBe(true);
  });

  it('refuses files over 1 MiB before parsing them', async () => {
    const big = `version: 1\n# ${'x'.repeat(1024 * 1024)}\n`;
    const [issue] = await issuesOf('big.yml', big);
    expect(formatIssue(issue!)).toMatch(
      /^big\.yml:1:1: file is \d+ bytes; the limit is 1048576 bytes \(1 MiB\)$/,
    );
  });
});
