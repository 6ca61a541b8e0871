import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BRANCH_BYTES, promotionBranch } from '../../../src/core/promote/branch-name.ts';
import {
  MAX_BODY_CHARS,
  type PromotionMetadata,
  parsePromotionBody,
  renderPromotionBody,
} from '../../../src/core/promote/pr-body.ts';

/** git itself is the judge of a valid branch name. */
function gitAccepts(names: string[]): boolean[] {
  return names.map((name) => spawnSync('git', ['check-ref-format', '--branch', name]).status === 0);
}

describe('promotion branch names', () => {
  it('is gantry/<env>/<app>, deterministic', () => {
    expect(promotionBranch('prod', 'web')).toBe('gantry/prod/web');
    expect(promotionBranch('prod/eu-west', 'web')).toBe('gantry/prod/eu-west/web');
    expect(promotionBranch('prod', 'web')).toBe(promotionBranch('prod', 'web'));
  });

  it('is valid for git check-ref-format and at most 200 bytes, whatever the names', () => {
    const names = fc.sample(
      fc.tuple(fc.string({ maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 120 })),
      150,
    );
    const branches = names.map(([env, app]) => promotionBranch(env, app));
    for (const branch of branches)
      expect(new TextEncoder().encode(branch).length).toBeLessThanOrEqual(MAX_BRANCH_BYTES);
    const hostile = [
      '..',
      '.hidden',
      'a.lock',
      'x@{y',
      'sp ace',
      'ti~lde',
      'co:lon',
      'back\\slash',
      'star*',
      '-dash',
      '/',
      '',
    ];
    const all = [...branches, ...hostile.map((h) => promotionBranch(h, h))];
    const verdicts = gitAccepts(all);
    expect(all.filter((_, i) => !verdicts[i])).toEqual([]);
  });

  it('keeps long names unique with a hash', () => {
    const long = 'x'.repeat(300);
    expect(promotionBranch(long, 'a')).not.toBe(promotionBranch(long, 'b'));
  });
});

const version = fc.record(
  { tag: fc.string({ minLength: 1, maxLength: 30 }), digest: fc.string({ minLength: 1, maxLength: 80 }) },
  { requiredKeys: [] },
);
const metadata: fc.Arbitrary<PromotionMetadata> = fc.record(
  {
    version: fc.constant(1 as const),
    app: fc.string({ maxLength: 40 }),
    environment: fc.string({ maxLength: 40 }),
    source: fc.string({ maxLength: 40 }),
    targets: fc.array(
      fc.record(
        {
          target: fc.string({ maxLength: 40 }),
          from: version,
          to: version,
          skipped: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
        },
        { requiredKeys: ['target', 'to', 'skipped'] },
      ),
      { maxLength: 6 },
    ),
    lineage: fc.record({ number: fc.nat(), url: fc.webUrl() }, { requiredKeys: ['number'] }),
  },
  { requiredKeys: ['version', 'app', 'environment', 'source', 'targets'] },
);

describe('promotion PR body', () => {
  it('reads back exactly the metadata it was written with (any text, including -->)', () => {
    fc.assert(
      fc.property(metadata, fc.array(fc.string({ maxLength: 50 }), { maxLength: 3 }), (meta, notes) => {
        const body = renderPromotionBody({ metadata: meta, files: ['a.yaml', '--> b.yaml'], notes });
        expect(parsePromotionBody(body)).toEqual(meta);
      }),
    );
  });

  it('ignores bodies without metadata or with a damaged block', () => {
    expect(parsePromotionBody('just a PR')).toBeUndefined();
    expect(parsePromotionBody('<!-- gantry:promotion:v1:!!! -->')).toBeUndefined();
    expect(parsePromotionBody('<!-- gantry:promotion:v1:e30 -->')).toBeUndefined(); // {} lacks the fields
  });

  it('caps the body at 65,536 characters, says what it left out, and keeps the metadata', () => {
    const targets = Array.from({ length: 400 }, (_, i) => ({
      target: `prod/region-${i}`,
      to: { tag: `1.${i}.0` },
      skipped: [],
    }));
    const meta: PromotionMetadata = {
      version: 1,
      app: 'web',
      environment: 'prod',
      source: 'staging',
      targets,
    };
    const files = Array.from(
      { length: 3000 },
      (_, i) => `apps/web/envs/prod/region-${i % 400}/config-${i}.yaml`,
    );
    const body = renderPromotionBody({ metadata: meta, files, notes: [] });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(body).toMatch(/^- … \d+ more file\(s\) not shown$/m);
    expect(parsePromotionBody(body)).toEqual(meta);
    // Many targets: rows go too, and say so.
    const wide = { ...meta, targets: targets.map((t) => ({ ...t, from: { tag: 'x'.repeat(30) } })) };
    const wideBody = renderPromotionBody({ metadata: wide, files, notes: [] });
    expect(wideBody.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(wideBody).toMatch(/\d+ more row\(s\) not shown \(body capped at 65536 characters\)/);
    expect(parsePromotionBody(wideBody)).toEqual(wide);
    // Metadata that cannot fit is refused rather than cut (it must read back exactly).
    const huge = {
      ...meta,
      targets: Array.from({ length: 3000 }, (_, i) => ({
        target: `r${i}`,
        to: { tag: `1.${i}.0` },
        skipped: [],
      })),
    };
    expect(() => renderPromotionBody({ metadata: huge, files: [], notes: [] })).toThrow(
      'a promotion of 3000 targets does not fit one PR body; promote fewer targets at once',
    );
  });

  it('escapes table cells so a hostile version cannot break the table or inject HTML', () => {
    const meta: PromotionMetadata = {
      version: 1,
      app: 'web',
      environment: 'prod',
      source: 'staging',
      targets: [
        {
          target: 'prod',
          from: { tag: '1|<img src=x onerror=alert(1)>' },
          to: { tag: '2\n| x |' },
          skipped: [],
        },
      ],
    };
    const body = renderPromotionBody({ metadata: meta, files: [], notes: [] });
    const row = body.split('\n').find((l) => l.startsWith('| web |'))!;
    expect(row).toBe('| web | prod | 1\\|\\<img src=x onerror=alert(1)\\> | 2 \\| x \\| |  |');
  });
});
