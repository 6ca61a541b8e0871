import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { planPromotion, promotionFiles } from '../../../src/core/promote/plan.ts';
import { formatStatus, statusFiles, statusMatrix } from '../../../src/core/promote/status.ts';

// argocd-example-apps helm-guestbook: one chart folder, a shared values.yaml and one
// values-<env>.yaml override per environment that sets only what differs.
const config = parseConfig({
  file: '.gantry.yml',
  content: `version: 1
apps:
  guestbook:
    artifacts:
      - kind: helm-value
        path: helm-guestbook/values-{env}.yaml
        key: image.tag
        base: helm-guestbook/values.yaml
environments:
  - { name: staging }
  - { name: production, after: staging }
`,
});

const shared =
  '# Default values for helm-guestbook.\nreplicaCount: 1\n\nimage:\n  repository: ghcr.io/shop/guestbook\n  tag: 0.4.1\n';

function files(staging: string, production: string) {
  return new Map<string, string | null>([
    ['helm-guestbook/values.yaml', shared],
    ['helm-guestbook/values-staging.yaml', staging],
    ['helm-guestbook/values-production.yaml', production],
  ]);
}

describe('layered Helm values (base:)', () => {
  it('reads the base files too, once', () => {
    expect(promotionFiles(config, { to: 'production' }).sort()).toEqual([
      'helm-guestbook/values-production.yaml',
      'helm-guestbook/values-staging.yaml',
      'helm-guestbook/values.yaml',
    ]);
    expect(new Set(statusFiles(config))).toEqual(
      new Set([
        'helm-guestbook/values-staging.yaml',
        'helm-guestbook/values-production.yaml',
        'helm-guestbook/values.yaml',
      ]),
    );
  });

  it('status shows an inherited version with the file it comes from', () => {
    const matrix = statusMatrix(
      config,
      files('image:\n  tag: "0.5.0"\n', 'service:\n  type: LoadBalancer\n'),
    );
    expect(matrix.rows[0]!.cells).toEqual([
      { location: 'staging', version: '0.5.0' },
      { location: 'production', version: '0.4.1', origin: 'helm-guestbook/values.yaml' },
    ]);
    expect(formatStatus(matrix).split('\n')[1]).toBe('guestbook  0.5.0    0.4.1 (values.yaml)');
  });

  it('a promotion writes the key into the override that inherits it, and nothing else', () => {
    const plan = planPromotion(
      config,
      { to: 'production' },
      {
        files: files('image:\n  tag: "0.5.0"\n', 'service:\n  type: LoadBalancer\n'),
      },
    );
    expect(plan.apps[0]!.updates).toEqual([
      {
        path: 'helm-guestbook/values-production.yaml',
        before: 'service:\n  type: LoadBalancer\n',
        after: 'service:\n  type: LoadBalancer\nimage:\n  tag: 0.5.0\n',
      },
    ]);
    expect(plan.apps[0]!.title).toBe('Promote guestbook to production: 0.4.1 → 0.5.0');
  });

  it('nothing to promote when both inherit the same version', () => {
    const plan = planPromotion(config, { to: 'production' }, { files: files('replicaCount: 2\n', '') });
    expect(plan.empty).toBe(true);
  });

  it('an inherited source version is promoted as its value', () => {
    const plan = planPromotion(
      config,
      { to: 'production' },
      {
        files: files('replicaCount: 2\n', 'image:\n  tag: "0.3.0"\n'),
      },
    );
    expect(plan.apps[0]!.updates[0]!.after).toBe('image:\n  tag: "0.4.1"\n');
  });

  it('a bad value names the file, line, config entry and what was expected', () => {
    expect(() =>
      planPromotion(config, { to: 'production' }, { files: files('image:\n  tag: [0.5.0]\n', '') }),
    ).toThrow(
      'helm-guestbook/values-staging.yaml:2: image.tag: expected a scalar value, found a list of 1 item(s); point `key:` at one item (e.g. image.tag[0] or image.tag[name=…]) (apps.guestbook.artifacts[0] in staging, the source)',
    );
  });

  it('the config accepts in:, document: and a list of bases', () => {
    const parsed = parseConfig({
      file: '.gantry.yml',
      content: `version: 1
apps:
  web:
    artifacts:
      - { kind: helm-value, path: "apps/{env}/web.yaml", in: spec.source.helm.values, key: image.tag, document: { kind: Application, metadata.name: web } }
      - { kind: helm-value, path: "charts/web/values-{env}.yaml", key: image.tag, base: [charts/web/values.yaml, "charts/web/values-{app}.yaml"] }
      - { kind: image-ref, path: "apps/{env}/web.yaml", key: spec.source.kustomize.images, image: ghcr.io/shop/web }
environments:
  - { name: dev }
`,
    });
    expect(parsed.apps!.web!.artifacts[0]).toMatchObject({
      in: 'spec.source.helm.values',
      document: { kind: 'Application' },
    });
  });
});
