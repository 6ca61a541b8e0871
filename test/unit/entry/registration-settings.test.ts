import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../src/entry/server/settings.ts';

describe('registration settings', () => {
  it('default to github.com and the URL of each request', () => {
    expect(readSettings({}).registration).toEqual({
      webUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      envFile: '.env',
    });
  });

  it('take BASE_URL (no trailing slash), GH_ORG and GitHub Enterprise', () => {
    expect(
      readSettings({ BASE_URL: 'https://x.example.com/bots/', GH_ORG: 'shop', GHE_HOST: 'ghe.example.com' })
        .registration,
    ).toEqual({
      publicUrl: 'https://x.example.com/bots',
      webUrl: 'https://ghe.example.com',
      apiUrl: 'https://ghe.example.com/api/v3',
      org: 'shop',
      envFile: '.env',
    });
  });

  it('refuse a BASE_URL that is not this server’s http(s) URL', () => {
    for (const bad of ['gantry.example.com', 'ftp://x', 'https://x/?a=1', 'https://x/#top'])
      expect(() => readSettings({ BASE_URL: bad })).toThrow(/^BASE_URL: expected/);
  });
});
