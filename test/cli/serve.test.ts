import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantryAsync } from '../support/cli.ts';

describe('gantry serve', () => {
  it('stops at once on a private key that does not parse, naming PRIVATE_KEY', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gantry-serve-'));
    const result = await gantryAsync(['serve', '--port', '0'], {
      cwd,
      env: { APP_ID: '1', WEBHOOK_SECRET: 'secret', PRIVATE_KEY: 'bm90IGEga2V5', LOG_LEVEL: 'silent' },
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^gantry: PRIVATE_KEY: /m);
    expect(result.stdout).not.toMatch(/listening/);
  });
});
