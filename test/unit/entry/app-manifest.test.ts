import { describe, expect, it } from 'vitest';
import { appManifest, readAppYml } from '../../../src/entry/server/app-manifest.ts';

describe('app manifest', () => {
  it('takes who the App is from app.yml and where the server is from the base URL', () => {
    const manifest = appManifest(readAppYml(), 'https://gantry.example.com', '/api/github/webhooks');
    expect(manifest.name).toBe('gantry');
    expect(manifest.public).toBe(false);
    expect(manifest.hook_attributes.url).toBe('https://gantry.example.com/api/github/webhooks');
    expect(manifest.redirect_url).toBe('https://gantry.example.com/probot/setup');
    expect(Object.keys(manifest.default_permissions).sort()).toEqual(
      [
        'actions',
        'contents',
        'issues',
        'members',
        'metadata',
        'pull_requests',
        'statuses',
        'workflows',
      ].sort(),
    );
  });

  it('refuses server URLs in app.yml: they would win over the real ones', () => {
    const yml = `${readAppYml()}\nhook_attributes:\n  url: https://example.invalid/\n`;
    expect(() => appManifest(yml, 'https://x', '/hook')).toThrow(/app.yml: "hook_attributes" is not allowed/);
    expect(() => appManifest('redirect_url: ""\nname: g\nurl: https://x\n', 'https://x', '/h')).toThrow(
      /"redirect_url" is not allowed/,
    );
    expect(() => appManifest('- a\n', 'https://x', '/h')).toThrow(/"0" is not allowed|mapping/);
  });
});
