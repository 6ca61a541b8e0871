import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { updateEnvFile } from '../../../src/entry/server/env-file.ts';

const file = () => join(mkdtempSync(join(tmpdir(), 'gantry-env-')), '.env');

describe('updateEnvFile', () => {
  it('replaces the variables it sets, multi-line values included, and keeps every other line', () => {
    const path = file();
    writeFileSync(
      path,
      '# mine\nLOG_LEVEL=debug\nPRIVATE_KEY="-----BEGIN\nabc\n-----END"\nexport APP_ID=1\nPORT=4000',
    );
    updateEnvFile(path, { APP_ID: '2', PRIVATE_KEY: '-----BEGIN\nxyz\n-----END\n' });
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(
      '# mine\nLOG_LEVEL=debug\nPORT=4000\nAPP_ID="2"\nPRIVATE_KEY="-----BEGIN\\nxyz\\n-----END\\n"\n',
    );
    expect(parseEnv(text)).toEqual({
      LOG_LEVEL: 'debug',
      PORT: '4000',
      APP_ID: '2',
      PRIVATE_KEY: '-----BEGIN\nxyz\n-----END\n',
    });
  });

  it('reads back what it wrote, for any value it accepts', () => {
    const value = fc.string({
      unit: fc.constantFrom('a', 'Z', '0', '+', '/', '=', '-', ' ', '\n', '$', '#', "'"),
    });
    fc.assert(
      fc.property(value, (v) => {
        const path = file();
        updateEnvFile(path, { A_B: v });
        expect(parseEnv(readFileSync(path, 'utf8')).A_B).toBe(v);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses what the dotenv format cannot carry', () => {
    expect(() => updateEnvFile(file(), { A: 'say "hi"' })).toThrow(/cannot be written/);
    expect(() => updateEnvFile(file(), { 'not-a-name': 'x' })).toThrow(/not a variable name/);
  });
});
