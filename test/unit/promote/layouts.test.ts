import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { fileKey } from '../../../src/core/promote/file-key.ts';
import { planPromotion, promotionFiles } from '../../../src/core/promote/plan.ts';

const parse = (content: string) => parseConfig({ file: '.gantry.yml', content });
const version = (tag: string) => `image: docker.io/shop/web:${tag}\n`;
const webFiles = (tags: Record<string, string>) =>
  new Map<string, string | null>(
    Object.entries(tags).map(([env, tag]) => [`envs/${env}/version.yml`, version(tag)]),
  );

const webApp = `apps:
  web:
    artifacts:
      - { kind: image-ref, path: "envs/{env}/version.yml", key: image, image: docker.io/shop/web }
`;

describe('region twins and explicit pairing', () => {
  const config = parse(`version: 1
${webApp}environments:
  - { name: qa }
  - { name: staging, after: qa, targets: [staging-eu, staging-us] }
  - { name: prod, after: staging, targets: [prod-eu, prod-us, prod-asia] }
`);

  it('pairs staging-eu with prod-eu, so an EU-first rollout is not "disagreeing sources"', () => {
    const files = webFiles({
      'staging-eu': '2.0',
      'staging-us': '1.0',
      'prod-eu': '1.0',
      'prod-us': '1.0',
      'prod-asia': '1.0',
    });
    const plan = planPromotion(config, { to: 'prod-eu' }, { files });
    expect(plan.apps[0]!.metadata.targets).toEqual([
      { target: 'prod-eu', from: { tag: '1.0' }, to: { tag: '2.0' }, skipped: [] },
    ]);
    expect(plan.apps[0]!.metadata.source).toBe('staging');
  });

  it('promotes between targets of one environment: prod-asia → prod-eu', () => {
    const files = webFiles({ 'prod-asia': '3.1.0', 'prod-eu': '3.0.0' });
    const plan = planPromotion(config, { to: 'prod-eu', from: 'prod-asia' }, { files });
    expect(plan.apps[0]!.updates).toEqual([
      { path: 'envs/prod-eu/version.yml', before: version('3.0.0'), after: version('3.1.0') },
    ]);
    expect(plan.apps[0]!.notes).toEqual([]);
    expect(promotionFiles(config, { to: 'prod-eu', from: 'prod-asia' }).sort()).toEqual([
      'envs/prod-asia/version.yml',
      'envs/prod-eu/version.yml',
    ]);
  });

  it('notes an explicit backport (from a later environment)', () => {
    const files = webFiles({ 'prod-eu': '3.1', 'staging-eu': '3.0', 'staging-us': '3.0' });
    const plan = planPromotion(config, { to: 'staging-eu', from: 'prod-eu' }, { files });
    expect(plan.apps[0]!.notes).toContain('A backport: prod-eu comes after staging.');
  });

  it('takes a target\'s own "from" over the region rule', () => {
    const explicit = parse(`version: 1
${webApp}environments:
  - { name: qa }
  - { name: staging, after: qa, targets: [staging-europe, staging-us] }
  - name: prod
    after: staging
    targets: [{ name: prod-eu, from: staging-europe }, prod-us]
`);
    const files = webFiles({
      'staging-europe': '2.0',
      'staging-us': '1.5',
      'prod-eu': '1.0',
      'prod-us': '1.0',
    });
    const plan = planPromotion(explicit, { to: 'prod' }, { files });
    expect(plan.apps[0]!.metadata.targets.map((t) => [t.target, t.to.tag])).toEqual([
      ['prod-eu', '2.0'],
      ['prod-us', '1.5'],
    ]);
  });

  it('refuses a "from" that is not a place or does not come before', () => {
    const bad = (targets: string) =>
      parse(`version: 1
${webApp}environments:
  - { name: qa }
  - { name: prod, after: qa, targets: ${targets} }
`);
    expect(() => bad('[{ name: prod-eu, from: qa-eu }]')).toThrow(ConfigError);
    expect(() => bad('[{ name: prod-eu, from: qa-eu }]')).toThrow('"qa-eu" is not an environment or target');
    expect(() => bad('[{ name: prod-eu, from: prod-eu }]')).toThrow(
      'target "prod-eu" cannot come from itself',
    );
  });
});

describe('apps that live in some places only', () => {
  const config = parse(`version: 1
apps:
  web:
    artifacts:
      - { kind: kustomize-image, path: "kustomize/{env}/kustomization.yaml", image: shop/web }
  chart:
    targets: { prod: [prod] }
    artifacts:
      - { kind: helm-value, path: "helm/values-{env}.yaml", key: image.tag }
  tool:
    environments: [staging]
    artifacts:
      - { kind: helm-value, path: "helm/tool-{env}.yaml", key: image.tag }
environments:
  - { name: staging }
  - { name: prod, after: staging, targets: [prod-eu, prod-us] }
`);
  const kustomization = (tag: string) => `images:\n  - name: shop/web\n    newTag: "${tag}"\n`;
  const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
  const files = () =>
    new Map<string, string | null>([
      ['kustomize/staging/kustomization.yaml', kustomization('2.0')],
      ['kustomize/prod-eu/kustomization.yaml', kustomization('1.0')],
      ['kustomize/prod-us/kustomization.yaml', kustomization('1.0')],
      ['helm/values-staging.yaml', values('2.0')],
      ['helm/values-prod.yaml', values('1.0')],
      ['helm/tool-staging.yaml', values('1.0')],
    ]);

  it('gives each app its own targets and leaves absent apps out', () => {
    const plan = planPromotion(config, { to: 'prod' }, { files: files() });
    expect(plan.apps.map((a) => [a.app, a.metadata.targets.map((t) => t.target)])).toEqual([
      ['web', ['prod-eu', 'prod-us']],
      ['chart', ['prod']],
    ]);
    expect(plan.absent).toEqual(['tool']);
    expect(promotionFiles(config, { to: 'prod-eu' })).not.toContain('helm/values-prod.yaml');
    expect(planPromotion(config, { to: 'prod-eu' }, { files: files() }).absent).toEqual(['chart', 'tool']);
    expect(planPromotion(config, { to: 'prod/x'.replace('/x', '') }, { files: files() }).apps).toHaveLength(
      2,
    );
  });

  it('refuses an app asked for where it does not live', () => {
    expect(() => planPromotion(config, { to: 'prod-eu', apps: ['chart'] }, { files: files() })).toThrow(
      'chart does not live in prod-eu',
    );
  });

  it('a missing file blocks only its own app', () => {
    const missing = files();
    missing.delete('kustomize/prod-us/kustomization.yaml');
    const plan = planPromotion(config, { to: 'prod' }, { files: missing });
    expect(plan.apps.map((a) => a.app)).toEqual(['chart']);
    expect(plan.blocked).toEqual([
      {
        app: 'web',
        reason: 'kustomize/prod-us/kustomization.yaml: file not found (apps.web.artifacts[0] in prod-us)',
      },
    ]);
    expect(plan.summary).toContain('blocked: web (kustomize/prod-us/kustomization.yaml: file not found');
  });

  it('checks the names an app lists', () => {
    expect(() =>
      parse(`version: 1
apps:
  web:
    environments: [stagin]
    targets: { prd: [prod] }
    artifacts: [{ kind: file, path: "a/{env}.yml" }]
environments: [{ name: staging }]
`),
    ).toThrow(
      /"stagin" is not an environment or target \(did you mean "staging"\?\)[\s\S]*"prd" is not an environment/,
    );
  });
});

describe('fan-in: an environment after several', () => {
  const config = (from = '') =>
    parse(`version: 1
${webApp}environments:
  - { name: qa }
  - { name: ab-a, after: qa }
  - { name: ab-b, after: qa }
  - { name: prod, after: [ab-a, ab-b]${from} }
`);

  it('takes the newest of any of them by default', () => {
    const plan = planPromotion(
      config(),
      { to: 'prod' },
      { files: webFiles({ 'ab-a': '1.2.0', 'ab-b': '1.3.0', prod: '1.1.0' }) },
    );
    expect(plan.apps[0]!.metadata).toMatchObject({ source: 'ab-b', targets: [{ to: { tag: '1.3.0' } }] });
    expect(plan.source).toBe('ab-a | ab-b');
    expect(promotionFiles(config(), { to: 'prod' }).sort()).toEqual([
      'envs/ab-a/version.yml',
      'envs/ab-b/version.yml',
      'envs/prod/version.yml',
    ]);
  });

  it('with "from: all" requires them to agree', () => {
    const all = config(', from: all');
    expect(() =>
      planPromotion(
        all,
        { to: 'prod' },
        { files: webFiles({ 'ab-a': '1.2.0', 'ab-b': '1.3.0', prod: '1.1.0' }) },
      ),
    ).toThrow('web: "from: all" needs the sources to agree, but ab-a has 1.2.0 and ab-b has 1.3.0');
    const agreed = planPromotion(
      all,
      { to: 'prod' },
      { files: webFiles({ 'ab-a': '1.3.0', 'ab-b': '1.3.0', prod: '1.1.0' }) },
    );
    expect(agreed.apps[0]!.metadata.targets[0]!.to).toEqual({ tag: '1.3.0' });
  });

  it('refuses "from" without several "after" and an "after" listed twice', () => {
    expect(() =>
      parse(`version: 1
environments:
  - { name: qa }
  - { name: prod, after: [qa, qa] }
  - { name: dr, after: prod, from: all }
`),
    ).toThrow(
      /after\[1\]: "qa" is listed twice[\s\S]*environments\[2\]\.from: "from" chooses between several/,
    );
  });
});

describe('an environment in its own repository', () => {
  const config = parse(`version: 1
apps:
  web:
    artifacts:
      - { kind: helm-value, path: "helm/templates/web.yaml", key: "spec.source.helm.parameters[name=image.tag].value" }
environments:
  - { name: staging, repo: shop/argocd-staging }
  - { name: production, after: staging, repo: shop/argocd-production }
`);
  const app = (tag: string) =>
    `spec:\n  source:\n    helm:\n      parameters:\n        - name: image.tag\n          value: "${tag}"\n`;

  it('reads the source from its repository and writes the destination in its own', () => {
    expect(promotionFiles(config, { to: 'production' }).sort()).toEqual([
      fileKey('shop/argocd-production', 'helm/templates/web.yaml'),
      fileKey('shop/argocd-staging', 'helm/templates/web.yaml'),
    ]);
    const files = new Map([
      [fileKey('shop/argocd-staging', 'helm/templates/web.yaml'), app('1.1')],
      [fileKey('shop/argocd-production', 'helm/templates/web.yaml'), app('1.0')],
    ]);
    const plan = planPromotion(config, { to: 'production' }, { files });
    expect(plan.apps[0]).toMatchObject({
      repo: 'shop/argocd-production',
      branch: 'gantry/production/web',
      updates: [
        {
          path: 'helm/templates/web.yaml',
          repo: 'shop/argocd-production',
          before: app('1.0'),
          after: app('1.1'),
        },
      ],
    });
  });

  it('allows a path without {env} only when no two places share a repository', () => {
    expect(() =>
      parse(`version: 1
apps:
  web:
    artifacts: [{ kind: file, path: "settings.yml" }]
environments:
  - { name: staging, repo: shop/argocd-staging }
  - { name: production, after: staging }
  - { name: dr, after: production }
`),
    ).toThrow('per-environment path must contain {env}');
  });

  it('one PR per repository when the targets of an environment live in several', () => {
    const split = parse(`version: 1
${webApp}environments:
  - { name: staging }
  - name: prod
    after: staging
    targets: [{ name: prod-eu, repo: shop/gitops-eu }, { name: prod-us, repo: shop/gitops-us }]
`);
    const files = new Map([
      ['envs/staging/version.yml', version('2.0')],
      [fileKey('shop/gitops-eu', 'envs/prod-eu/version.yml'), version('1.0')],
      [fileKey('shop/gitops-us', 'envs/prod-us/version.yml'), version('1.0')],
    ]);
    const plan = planPromotion(split, { to: 'prod' }, { files });
    expect(plan.apps.map((a) => [a.repo, a.metadata.targets.map((t) => t.target)])).toEqual([
      ['shop/gitops-eu', ['prod-eu']],
      ['shop/gitops-us', ['prod-us']],
    ]);
  });
});

describe('how a promotion lands', () => {
  it('refuses a direct-commit environment with a canary (no PR to report on)', () => {
    expect(() =>
      parse(`version: 1
environments:
  - { name: dev, via: commit, canary: true }
canary:
  prometheus: http://prometheus:9090
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics: [{ name: errors, query: "sum(rate(x{SELECTOR}[1m]))" }]
`),
    ).toThrow('environments[0].via: "via: commit" lands without a PR');
    expect(() => parse('version: 1\nenvironments: [{ name: dev, via: merge }]\n')).toThrow(
      /environments\[0\]\.via: .*"pr" \| "auto-merge" \| "commit"|environments\[0\]\.via: .*expected one of/,
    );
  });
});

describe('status with per-app placement and environment repositories', () => {
  it('shows an absent app as absent, an app-only target as a column, and reads other repositories by key', async () => {
    const { formatStatus, statusFiles, statusMatrix } = await import('../../../src/core/promote/status.ts');
    const config = parse(`version: 1
apps:
  web:
    artifacts: [{ kind: helm-value, path: "web/{env}.yaml", key: image.tag }]
  chart:
    targets: { prod: [prod] }
    artifacts: [{ kind: helm-value, path: "chart/{env}.yaml", key: image.tag }]
environments:
  - { name: staging }
  - { name: prod, after: staging, targets: [prod-eu, { name: prod-us, repo: shop/us }] }
`);
    expect(statusFiles(config)).toEqual([
      'web/staging.yaml',
      'web/prod-eu.yaml',
      fileKey('shop/us', 'web/prod-us.yaml'),
      'chart/staging.yaml',
      'chart/prod.yaml',
    ]);
    const tag = (t: string) => `image:\n  tag: "${t}"\n`;
    const files = new Map([
      ['web/staging.yaml', tag('2.0')],
      ['web/prod-eu.yaml', tag('1.0')],
      [fileKey('shop/us', 'web/prod-us.yaml'), tag('1.1')],
      ['chart/staging.yaml', tag('5.0')],
      ['chart/prod.yaml', tag('4.0')],
    ]);
    expect(formatStatus(statusMatrix(config, files))).toBe(
      [
        'app    staging  prod-eu  prod-us  prod',
        'web    2.0      1.0      1.1      —',
        'chart  5.0      —        —        4.0',
      ].join('\n'),
    );
  });
});
