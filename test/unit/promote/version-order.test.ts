import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { RefusedError } from '../../../src/core/errors.ts';
import { planPromotion } from '../../../src/core/promote/plan.ts';
import {
  compareVersions,
  judgeMove,
  skippedVersions,
  type VersionHistory,
} from '../../../src/core/promote/version-order.ts';

const v = (tag: string) => ({ tag });

describe('compareVersions', () => {
  it('orders semver, dotted numeric and calendar versions by their numbers', () => {
    expect(compareVersions(v('2.0'), v('3.0'))).toBe(-1);
    expect(compareVersions(v('1.0'), v('2.0'))).toBe(-1);
    expect(compareVersions(v('v5'), v('4.9.9'))).toBe(1);
    expect(compareVersions(v('1.10'), v('1.9'))).toBe(1);
    expect(compareVersions(v('2024.06.1'), v('2024.10.0'))).toBe(-1);
    expect(compareVersions(v('1.0'), v('1.0.0'))).toBe(0);
    expect(compareVersions(v('2.0.0-rc.1'), v('2.0'))).toBe(-1);
    expect(compareVersions(v('v1.2.3'), v('1.2.10'))).toBe(-1);
    expect(compareVersions(v('2.0.0_build.5'), v('2.0.1'))).toBe(-1);
  });

  it('orders other names only by history, never lexically', () => {
    expect(compareVersions(v('sha-999'), v('sha-111'))).toBeUndefined();
    const history: VersionHistory = {
      locations: [
        { name: 'dev', tags: ['sha-999', 'sha-555', 'sha-111'] },
        { name: 'prod', tags: ['sha-111', 'sha-999'] },
      ],
    };
    // The first environment saw sha-999 first: that decides, whatever prod did later.
    expect(compareVersions(v('sha-999'), v('sha-111'), history)).toBe(-1);
    expect(compareVersions(v('sha-555'), v('sha-999'), history)).toBe(1);
  });
});

describe('judgeMove', () => {
  const history: VersionHistory = {
    locations: [
      { name: 'qa', tags: ['1.0', '2.0'] },
      { name: 'prod', tags: ['1.0', '3.0', '2.0'] },
    ],
  };
  it('calls a version the destination ran before older, whatever its number', () => {
    expect(judgeMove('prod', v('2.0'), v('3.0'), history)).toEqual({
      kind: 'older',
      why: 'prod ran 3.0 before its current 2.0',
    });
    expect(judgeMove('prod', v('3.0'), v('2.0'), undefined)).toEqual({
      kind: 'older',
      why: '2.0 is older than 3.0',
    });
    expect(judgeMove('prod', v('sha-1'), v('sha-2'), undefined)).toMatchObject({ kind: 'unordered' });
    expect(judgeMove('qa', v('2.0'), v('3.0'), history)).toEqual({ kind: 'forward' });
  });

  it('lists as skipped only versions strictly between, in order, and nothing on the way back', () => {
    const h: VersionHistory = { locations: [{ name: 'qa', tags: ['1.0', '1.2', '1.1', '1.3', '2.0'] }] };
    expect(skippedVersions(v('1.0'), v('2.0'), h)).toEqual(['1.1', '1.2', '1.3']);
    expect(skippedVersions(v('2.0'), v('1.0'), h)).toEqual([]);
  });
});

const config = parseConfig({
  file: '.gantry.yml',
  content: `version: 1
apps:
  web:
    artifacts:
      - { kind: helm-value, path: "web/{env}/values.yaml", key: image.tag }
environments:
  - { name: qa }
  - { name: staging, after: qa }
`,
});
const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
const files = (qa: string, staging: string) =>
  new Map([
    ['web/qa/values.yaml', values(qa)],
    ['web/staging/values.yaml', values(staging)],
  ]);

describe('promotions and version order', () => {
  it('refuses qa 1.0 → staging 2.0 (a silent downgrade before), naming the way to ask for it', () => {
    const refuse = () => planPromotion(config, { to: 'staging' }, { files: files('1.0', '2.0') });
    expect(refuse).toThrow(RefusedError);
    expect(refuse).toThrow(
      'web: staging would move from 2.0 to 1.0, an older version (1.0 is older than 2.0)',
    );
    const allowed = planPromotion(
      config,
      { to: 'staging', allowDowngrade: true },
      { files: files('1.0', '2.0') },
    );
    expect(allowed.apps[0]!.metadata.targets[0]).toMatchObject({ from: v('2.0'), to: v('1.0'), skipped: [] });
  });

  it('refuses a move of unknown order unless asked, and then notes it', () => {
    const refuse = () => planPromotion(config, { to: 'staging' }, { files: files('sha-2', 'sha-1') });
    expect(refuse).toThrow(/order cannot be known: sha-2 and sha-1 are not version numbers/);
    const allowed = planPromotion(
      config,
      { to: 'staging', allowUnordered: true },
      { files: files('sha-2', 'sha-1') },
    );
    expect(allowed.apps[0]!.notes[0]).toMatch(/moved from sha-1 to sha-2 without a known order/);
  });

  const tag = fc.oneof(
    fc.constantFrom('1.0', '2.0', '3.0', 'v5', '1.2.3', '2024.06.1'),
    fc.constantFrom('sha-aaa', 'sha-bbb', 'sha-ccc', 'nightly'),
  );
  it('never moves an environment to a version it ran before without the explicit flag (property)', () => {
    fc.assert(
      fc.property(
        fc.array(tag, { minLength: 1, maxLength: 6 }),
        fc.array(tag, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (qaTags, stagingTags, unordered) => {
          const collapse = (tags: string[]) => tags.filter((t, i) => t !== tags[i - 1]);
          const qa = collapse(qaTags);
          const staging = collapse(stagingTags);
          const current = staging[staging.length - 1]!;
          const next = qa[qa.length - 1]!;
          const history = new Map([
            [
              'web',
              {
                locations: [
                  { name: 'qa', tags: qa },
                  { name: 'staging', tags: staging },
                ],
              },
            ],
          ]);
          let moved: string | undefined;
          try {
            const plan = planPromotion(
              config,
              { to: 'staging', allowUnordered: unordered },
              { files: files(next, current), history },
            );
            moved = plan.apps[0]?.metadata.targets[0]?.to.tag;
          } catch (error) {
            if (!(error instanceof RefusedError)) throw error;
            return;
          }
          if (moved === undefined) return;
          expect(staging.slice(0, -1).filter((t) => compareVersions(v(t), v(current)) !== 0)).not.toContain(
            moved,
          );
          const numeric = compareVersions(v(moved), v(current));
          if (numeric !== undefined) expect(numeric).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
