import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.ts';
import { readSettings } from '../../../src/entry/server/settings.ts';

const pem = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
const app = { APP_ID: '1', WEBHOOK_SECRET: 'a-webhook-secret' };

const keyOf = (env: Record<string, string>) => readSettings({ ...app, ...env }).github?.privateKey;
const same = (key: string | undefined) =>
  createPrivateKey(key!).export({ type: 'pkcs1', format: 'pem' }).toString();

describe('PRIVATE_KEY', () => {
  it('takes a PEM as is, \\n-escaped, or base64 (Probot’s convention), PKCS#1 or PKCS#8', () => {
    expect(same(keyOf({ PRIVATE_KEY: pem }))).toBe(pem);
    expect(same(keyOf({ PRIVATE_KEY: pem.replace(/\n/g, '\\n') }))).toBe(pem);
    expect(same(keyOf({ PRIVATE_KEY: Buffer.from(pem).toString('base64') }))).toBe(pem);
    expect(same(keyOf({ PRIVATE_KEY: Buffer.from(pkcs8).toString('base64') }))).toBe(pem);
  });

  it('reads PRIVATE_KEY_PATH', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gantry-key-')), 'app.pem');
    writeFileSync(file, pem);
    expect(same(keyOf({ PRIVATE_KEY_PATH: file }))).toBe(pem);
  });

  it('refuses garbage at start-up, naming the variable', () => {
    for (const garbage of ['not a key', Buffer.from('not a key').toString('base64')]) {
      expect(() => keyOf({ PRIVATE_KEY: garbage })).toThrow(UsageError);
      expect(() => keyOf({ PRIVATE_KEY: garbage })).toThrow(/^PRIVATE_KEY: /);
    }
    // Right armour, broken body: only parsing the key finds it.
    const broken = pem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(() => keyOf({ PRIVATE_KEY: broken })).toThrow(/^PRIVATE_KEY: not a valid private key/);
  });

  it('names PRIVATE_KEY_PATH for a missing or bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-key-'));
    expect(() => keyOf({ PRIVATE_KEY_PATH: join(dir, 'missing.pem') })).toThrow(/^PRIVATE_KEY_PATH: /);
    writeFileSync(join(dir, 'bad.pem'), 'nope');
    expect(() => keyOf({ PRIVATE_KEY_PATH: join(dir, 'bad.pem') })).toThrow(/^PRIVATE_KEY_PATH: /);
  });

  it('is half an App without APP_ID, and APP_ID is half without a key', () => {
    expect(() => readSettings({ PRIVATE_KEY: pem })).toThrow(/APP_ID/);
    expect(() => readSettings({ APP_ID: '1', WEBHOOK_SECRET: 'x' })).toThrow(/PRIVATE_KEY/);
    expect(readSettings({}).github).toBeUndefined();
  });
});
