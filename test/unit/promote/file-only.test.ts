import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { RefusedError } from '../../../src/core/errors.ts';
import { planPromotion } from '../../../src/core/promote/plan.ts';
import { formatStatus, hasProblems, statusMatrix } from '../../../src/core/promote/status.ts';

const config = parseConfig({
  file: '.gantry.yml',
  content: `version: 1
apps:
  settings:
    artifacts:
      - { kind: file, path: "settings/{env}/settings.yml" }
  flags:
    artifacts:
      - { kind: file, path: "flags/{env}/flags.yml" }
  web:
    with: [flags]
    artifacts:
      - { kind: helm-value, path: "web/{env}/values.yaml", key: image.tag }
environments:
  - { name: qa }
  - { name: staging, after: qa, targets: [staging-eu, staging-us] }
  - { name: prod, after: staging, targets: [prod-eu, prod-us, prod-asia] }
`,
});

const envs = ['qa', 'staging-eu', 'staging-us', 'prod-eu', 'prod-us', 'prod-asia'];
function files(overrides: Record<string, string | null> = {}) {
  const out = new Map<string, string | null>();
  for (const env of envs) {
    out.set(`settings/${env}/settings.yml`, `region: ${env}\n`);
    out.set(`flags/${env}/flags.yml`, env === 'qa' ? 'beta: true\n' : 'beta: false\n');
    out.set(`web/${env}/values.yaml`, `image:\n  tag: "${env === 'qa' ? '1.1.0' : '1.0.0'}"\n`);
  }
  for (const [k, v] of Object.entries(overrides)) out.set(k, v);
  return out;
}

describe('apps of file artifacts only', () => {
  it('never move by default: promoting staging leaves each region its own settings', () => {
    const plan = planPromotion(config, { to: 'staging' }, { files: files() });
    expect(plan.apps.map((a) => a.app)).toEqual(['flags', 'web']);
    expect(plan.summary).toContain(
      "not included (files only, promoted only when named with --app or listed in another app's with:): settings",
    );
  });

  it('move when named, or along with the app that lists them in with:', () => {
    const named = planPromotion(config, { to: 'staging', apps: ['settings'] }, { files: files() });
    expect(named.apps.map((a) => a.app)).toEqual(['settings']);
    const along = planPromotion(config, { to: 'staging', apps: ['web'] }, { files: files() });
    expect(along.apps.map((a) => a.app)).toEqual(['flags', 'web']);
  });

  it('show file hashes in the PR table, not — → —', () => {
    const plan = planPromotion(config, { to: 'staging-eu', apps: ['flags'] }, { files: files() });
    const status = statusMatrix(config, files());
    const qa = status.rows.find((r) => r.app === 'flags')!.cells[0]!.file!.hash;
    const eu = status.rows.find((r) => r.app === 'flags')!.cells[1]!.file!.hash;
    expect(plan.apps[0]!.body).toContain(`| flags | staging-eu | file ${eu} | file ${qa} |  |`);
    expect(plan.apps[0]!.title).toBe('Promote flags to staging-eu (files)');
  });

  it('name the file when the source targets disagree', () => {
    const split = files({ 'settings/staging-us/settings.yml': 'region: elsewhere\n' });
    const refuse = () =>
      planPromotion(config, { to: 'prod-asia', from: 'staging', apps: ['settings'] }, { files: split });
    // prod-asia has no staging twin (prod-eu would take staging-eu's): both staging targets are candidates.
    expect(refuse).toThrow(RefusedError);
    expect(refuse).toThrow(
      /^settings: the source targets disagree on apps\.settings\.artifacts\[0\]: settings\/staging-eu\/settings\.yml has file [0-9a-f]{8}, settings\/staging-us\/settings\.yml has file [0-9a-f]{8}; promote from one of them with --from staging-eu$/,
    );
  });

  it('show their state in status: a short hash and which environment holds the same files', () => {
    const matrix = statusMatrix(config, files({ 'flags/prod-us/flags.yml': null }));
    const text = formatStatus(matrix);
    const flags = text.split('\n').find((l) => l.startsWith('flags'))!;
    expect(flags).toMatch(
      /^flags\s+file [0-9a-f]{8}\s+file ([0-9a-f]{8})\s+file \1 \(= staging-eu\)\s+file \1 \(= staging-eu\)\s+\(missing\)\s+file \1 \(= staging-eu\)$/,
    );
    expect(text).toContain(
      'flags @ prod-us: flags/prod-us/flags.yml not found (apps.flags.artifacts[0] in prod-us)',
    );
    expect(hasProblems(matrix)).toBe(true);
    expect(hasProblems(statusMatrix(config, files()))).toBe(false);
  });
});
