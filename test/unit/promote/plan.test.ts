import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { RefusedError, UsageError, ValidationError } from '../../../src/core/errors.ts';
import { type PromotionRequest, planPromotion, promotionFiles } from '../../../src/core/promote/plan.ts';
import { parsePromotionBody } from '../../../src/core/promote/pr-body.ts';

const config = parseConfig({
  file: '.gantry.yml',
  content: `version: 1
apps:
  web:
    source: shop/web
    dependsOn: [api]
    artifacts:
      - { kind: helm-value, path: "web/{env}/values.yaml", key: image.tag }
      - { kind: file, path: "web/{env}/settings.yml" }
  api:
    artifacts:
      - { kind: kustomize-image, path: "api/{env}/kustomization.yaml", image: registry.example.com/api }
environments:
  - { name: dev }
  - { name: staging, after: dev, targets: [staging/eu, staging/us] }
  - { name: prod, after: staging, targets: [prod/eu, prod/us, prod/ap] }
`,
});

const values = (tag: string) => `# web values\nimage:\n  tag: "${tag}"  # promoted\n`;
const kustomization = (tag: string) => `images:\n  - name: registry.example.com/api\n    newTag: ${tag}\n`;

function repo(
  versions: Record<string, { web?: string; api?: string; settings?: string }>,
): Map<string, string | null> {
  const files = new Map<string, string | null>();
  for (const [env, v] of Object.entries(versions)) {
    if (v.web) files.set(`web/${env}/values.yaml`, values(v.web));
    if (v.api) files.set(`api/${env}/kustomization.yaml`, kustomization(v.api));
    if (v.settings !== undefined) files.set(`web/${env}/settings.yml`, v.settings);
  }
  return files;
}

const base = {
  dev: { web: '1.5.0', api: '2.1.0', settings: 'flag: on\n' },
  'staging/eu': { web: '1.4.0', api: '2.0.0', settings: 'flag: on\n' },
  'staging/us': { web: '1.4.0', api: '2.0.0', settings: 'flag: on\n' },
  'prod/eu': { web: '1.3.0', api: '1.9.0', settings: 'flag: off\n' },
  'prod/us': { web: '1.3.0', api: '1.9.0', settings: 'flag: off\n' },
  'prod/ap': { web: '1.3.0', api: '2.0.0', settings: 'flag: off\n' },
};

const plan = (request: PromotionRequest, files = repo(base), extra = {}) =>
  planPromotion(config, request, { files, ...extra });

describe('planPromotion', () => {
  it('lists every file it reads, source and destination, for one batched read', () => {
    expect(promotionFiles(config, { to: 'prod/eu' }).sort()).toEqual([
      'api/prod/eu/kustomization.yaml',
      'api/staging/eu/kustomization.yaml',
      'web/prod/eu/settings.yml',
      'web/prod/eu/values.yaml',
      'web/staging/eu/settings.yml',
      'web/staging/eu/values.yaml',
    ]);
  });

  it('fans out over every target of an environment, region to region, one PR per app', () => {
    const result = plan({ to: 'prod' });
    expect(result.apps.map((a) => [a.app, a.branch, a.title])).toEqual([
      ['api', 'gantry/prod/api', 'Promote api to prod: 1.9.0 → 2.0.0'],
      ['web', 'gantry/prod/web', 'Promote web to prod: 1.3.0 → 1.4.0'],
    ]);
    const api = result.apps[0]!;
    // prod/ap has no staging twin: both staging targets are candidates and agree on 2.0.0; it is already there.
    expect(api.metadata.targets.map((t) => [t.target, t.from?.tag, t.to.tag])).toEqual([
      ['prod/eu', '1.9.0', '2.0.0'],
      ['prod/us', '1.9.0', '2.0.0'],
    ]);
    expect(result.apps[1]!.updates.map((u) => u.path)).toEqual([
      'web/prod/eu/values.yaml',
      'web/prod/eu/settings.yml',
      'web/prod/us/values.yaml',
      'web/prod/us/settings.yml',
      'web/prod/ap/values.yaml',
      'web/prod/ap/settings.yml',
    ]);
    expect(result.apps[1]!.updates[0]!.after).toBe(values('1.4.0'));
  });

  it('promotes one target when asked, with its own branch', () => {
    const result = plan({ to: 'prod/us' });
    expect(result.apps.map((a) => a.branch)).toEqual(['gantry/prod/us/api', 'gantry/prod/us/web']);
    expect(result.apps.flatMap((a) => a.updates.map((u) => u.path))).toEqual([
      'api/prod/us/kustomization.yaml',
      'web/prod/us/values.yaml',
      'web/prod/us/settings.yml',
    ]);
  });

  it('orders apps by dependsOn and notes a dependency left out', () => {
    expect(plan({ to: 'prod' }).apps.map((a) => a.app)).toEqual(['api', 'web']);
    const webOnly = plan({ to: 'prod', apps: ['web'] });
    expect(webOnly.apps[0]!.notes).toEqual([
      'web depends on api, which this promotion does not include; promote api first if it is behind.',
    ]);
  });

  it('says so when the destination already matches', () => {
    const same = {
      ...base,
      'prod/eu': base['staging/eu'],
      'prod/us': base['staging/us'],
      'prod/ap': base['staging/eu'],
    };
    const result = plan({ to: 'prod' }, repo(same));
    expect(result).toMatchObject({ empty: true, apps: [], unchanged: ['api', 'web'] });
    expect(result.summary).toBe('nothing to promote: prod already matches staging for api, web');
  });

  it('refuses a downgrade unless allowed', () => {
    const older = {
      ...base,
      'staging/eu': { ...base['staging/eu'], web: '1.2.0' },
      'staging/us': { ...base['staging/us'], web: '1.2.0' },
    };
    expect(() => plan({ to: 'prod', apps: ['web'] }, repo(older))).toThrow(
      new RefusedError(
        'web: prod/eu would move from 1.3.0 to 1.2.0, an older version (1.2.0 is older than 1.3.0)',
        'downgrade',
      ),
    );
    expect(plan({ to: 'prod', apps: ['web'], allowDowngrade: true }, repo(older)).apps[0]!.title).toBe(
      'Promote web to prod: 1.3.0 → 1.2.0',
    );
  });

  it('orders non-semver tags by the source history, never lexically', () => {
    const sha = {
      ...base,
      'staging/eu': { ...base['staging/eu'], web: 'sha-111' },
      'staging/us': { ...base['staging/us'], web: 'sha-111' },
    };
    for (const env of ['prod/eu', 'prod/us', 'prod/ap'] as const) sha[env] = { ...sha[env], web: 'sha-999' };
    const history = new Map([['web', ['sha-999', 'sha-555', 'sha-111']]]);
    const forward = plan({ to: 'prod', apps: ['web'] }, repo(sha), { history });
    expect(forward.apps[0]!.metadata.targets[0]).toMatchObject({
      from: { tag: 'sha-999' },
      to: { tag: 'sha-111' },
      skipped: ['sha-555'],
    });
    expect(forward.apps[0]!.body).toContain('Skipped versions: `sha-555`');
    const backwards = new Map([['web', ['sha-111', 'sha-999']]]);
    expect(() => plan({ to: 'prod', apps: ['web'] }, repo(sha), { history: backwards })).toThrow(
      /an older version/,
    );
    expect(() => plan({ to: 'prod', apps: ['web'] }, repo(sha))).toThrow(
      /sha-111 and sha-999 are not version numbers, and no git history was available to order them/,
    );
  });

  it('lists skipped semver versions and the lineage PR in the body, and round-trips its metadata', () => {
    const result = plan({ to: 'prod', apps: ['web'] }, repo(base), {
      history: new Map([['web', ['1.3.0', '1.3.1', '1.3.5', '1.4.0']]]),
      lineage: new Map([['web', { number: 42, url: 'https://github.com/shop/gitops/pull/42' }]]),
      compareUrl: (repoName: string, a: string, b: string) =>
        `https://github.com/${repoName}/compare/${a}...${b}`,
    });
    const web = result.apps[0]!;
    expect(web.body).toContain(
      '| web | prod/eu | 1.3.0 | 1.4.0 | [compare](https://github.com/shop/web/compare/1.3.0...1.4.0) |',
    );
    expect(web.body).toContain('Skipped versions: `1.3.1`, `1.3.5`');
    expect(web.body).toContain('where it arrived with [\\#42](https://github.com/shop/gitops/pull/42)');
    expect(parsePromotionBody(web.body)).toEqual(web.metadata);
  });

  it('refuses source targets that disagree, naming them', () => {
    const split = { ...base, 'staging/us': { ...base['staging/us'], api: '2.0.1' } };
    expect(() => plan({ to: 'prod/ap', apps: ['api'] }, repo(split))).toThrow(
      'api: the source targets disagree on apps.api.artifacts[0]: api/staging/eu/kustomization.yaml has 2.0.0, api/staging/us/kustomization.yaml has 2.0.1; promote from one of them with --from staging/eu',
    );
    expect(
      plan({ to: 'prod/ap', from: 'staging/us', apps: ['api'] }, repo(split)).apps[0]!.metadata.targets[0]!
        .to,
    ).toEqual({
      tag: '2.0.1',
    });
  });

  it('rejects bad requests with a specific message', () => {
    expect(() => plan({ to: 'prd' })).toThrow('unknown environment "prd" (did you mean "prod"?)');
    expect(() => plan({ to: 'prod', apps: ['wbe'] })).toThrow('unknown app "wbe" (did you mean "web"?)');
    // A backport goes against the order of the environments: explicit, and still no downgrade.
    expect(() => plan({ to: 'staging', from: 'prod' })).toThrow(
      'api: staging/eu would move from 2.0.0 to 1.9.0, an older version (1.9.0 is older than 2.0.0)',
    );
    expect(() => plan({ to: 'prod/eu', from: 'prod/eu' })).toThrow(
      '"prod/eu" is the destination itself; promote from another place',
    );
    // The hint leads somewhere: the next environment, or an explicit --from (a backport, which
    // is then judged like any move: here it would go back, so it is refused as a downgrade).
    expect(() => plan({ to: 'dev' })).toThrow(
      new UsageError(
        '"dev" is a first environment: versions reach it by release (a tag); promote into staging, which comes after it, or copy from another place with --from',
      ),
    );
    expect(() => plan({ to: 'dev', from: 'staging' })).toThrow(
      'api: dev would move from 2.1.0 to 2.0.0, an older version (2.0.0 is older than 2.1.0)',
    );
  });

  it('names the missing file, key path or malformed YAML', () => {
    const files = repo(base);
    files.delete('web/prod/us/values.yaml');
    expect(() => plan({ to: 'prod', apps: ['web'] }, files)).toThrow(
      new ValidationError('web/prod/us/values.yaml: file not found (apps.web.artifacts[0] in prod/us)'),
    );
    const noKey = repo(base);
    noKey.set('web/prod/eu/values.yaml', 'image:\n  repository: x\n');
    expect(() => plan({ to: 'prod', apps: ['web'] }, noKey)).toThrow(
      'web/prod/eu/values.yaml: image.tag: not found: image has no key "tag" (it has keys "repository"); if the file inherits it from a shared values file, name that file in `base:` (apps.web.artifacts[0] in prod/eu)',
    );
    const broken = repo(base);
    broken.set('web/staging/eu/values.yaml', 'image:\n  tag: "1.4.0\n');
    expect(() => plan({ to: 'prod', apps: ['web'] }, broken)).toThrow(
      /^web\/staging\/eu\/values\.yaml:\d+:\d+: malformed YAML.* \(apps\.web\.artifacts\[0\] in staging\/eu, the source\)$/s,
    );
  });
});

describe('planRelease', () => {
  it('puts a built version into every target of the first environment, leaving files alone', async () => {
    const { planRelease, releaseFiles } = await import('../../../src/core/promote/release.ts');
    const request = {
      app: 'web',
      version: { tag: '1.6.0', digest: `sha256:${'c'.repeat(64)}` },
      source: 'shop/web@v1.6.0',
    };
    expect(releaseFiles(config, request)).toEqual(['web/dev/values.yaml']);
    const result = planRelease(config, request, { files: repo(base) });
    expect(result.apps.map((a) => [a.branch, a.title])).toEqual([
      ['gantry/dev/web', 'Release web to dev: 1.5.0 → 1.6.0'],
    ]);
    expect(result.apps[0]!.updates).toEqual([
      { path: 'web/dev/values.yaml', before: values('1.5.0'), after: values('1.6.0') },
    ]);
    expect(result.apps[0]!.metadata).toMatchObject({ environment: 'dev', source: 'shop/web@v1.6.0' });
    const again = planRelease(config, { ...request, version: { tag: '1.5.0' } }, { files: repo(base) });
    expect(again).toMatchObject({ empty: true, summary: 'nothing to release: dev already runs it' });
  });
});
