import { describe, expect, it } from 'vitest';
import { GitLabForge } from '../../src/adapters/gitlab/gitlab-forge.ts';
import { createTelemetry, instrumentForge } from '../../src/entry/server/telemetry.ts';

describe('instrumentForge', () => {
  it('keeps methods that are not counted working on forges with private fields', () => {
    const forge = new GitLabForge({ host: 'https://gitlab.example.com', token: 't' });
    const instrumented = instrumentForge(forge, createTelemetry());
    expect(instrumented.compareUrl('shop/web', 'v1.0.0', 'v1.1.0')).toBe(
      forge.compareUrl('shop/web', 'v1.0.0', 'v1.1.0'),
    );
  });
});
