import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';
import { UsageError } from '../../../src/core/errors.ts';
import { parsePromotionBody } from '../../../src/core/promote/pr-body.ts';
import {
  planRollbackTo as planRollback,
  type RollbackToRequest as RollbackRequest,
  rollbackToFiles as rollbackFiles,
} from '../../../src/core/promote/rollback.ts';

const config = parseConfig({
  file: '.gantry.yml',
  content: `version: 1
apps:
  web:
    artifacts:
      - { kind: helm-value, path: "envs/{env}/values.yaml", key: image.tag }
      - { kind: kustomize-image, path: "envs/{env}/kustomization.yaml", image: registry.example.com/web }
      - { kind: file, path: "envs/{env}/settings.yml" }
environments:
  - { name: staging }
  - { name: prod, after: staging, targets: [prod/eu, prod/us] }
`,
});

const values = (tag: string) => `image:\n  tag: "${tag}"\n`;
const kustomization = (tag: string) => `images:\n  - name: registry.example.com/web\n    newTag: "${tag}"\n`;
const files = (eu: string, us: string) =>
  new Map([
    ['envs/prod/eu/values.yaml', values(eu)],
    ['envs/prod/eu/kustomization.yaml', kustomization(eu)],
    ['envs/prod/us/values.yaml', values(us)],
    ['envs/prod/us/kustomization.yaml', kustomization(us)],
  ]);

const request: RollbackRequest = {
  app: 'web',
  destination: 'prod',
  targets: [
    { target: 'prod/eu', version: { tag: '1.3.0' } },
    { target: 'prod/us', version: { tag: '1.2.9' } },
  ],
  of: { number: 7 },
  reason: 'The canary of #7 failed in prod.',
};

describe('rollback plan', () => {
  it('puts each target back on its own earlier version, a downgrade, and says what it undoes', () => {
    expect(rollbackFiles(config, request)).toEqual([...files('', '').keys()]);
    const plan = planRollback(config, request, { files: files('1.5.0', '1.5.0') });
    const [rollback] = plan.apps;
    expect(rollback!.branch).toBe('gantry-rollback/prod/web');
    expect(rollback!.title).toBe('Roll back web in prod: 1.3.0, 1.2.9');
    expect(rollback!.updates.map((u) => [u.path, u.after])).toEqual([
      ['envs/prod/eu/values.yaml', values('1.3.0')],
      ['envs/prod/eu/kustomization.yaml', kustomization('1.3.0')],
      ['envs/prod/us/values.yaml', values('1.2.9')],
      ['envs/prod/us/kustomization.yaml', kustomization('1.2.9')],
    ]);
    expect(parsePromotionBody(rollback!.body)).toMatchObject({
      environment: 'prod',
      source: 'before #7',
      rollback: { of: 7 },
      targets: [
        { target: 'prod/eu', from: { tag: '1.5.0' }, to: { tag: '1.3.0' } },
        { target: 'prod/us', from: { tag: '1.5.0' }, to: { tag: '1.2.9' } },
      ],
    });
    expect(rollback!.notes).toEqual([
      'The canary of #7 failed in prod.',
      'Files promoted verbatim (envs/{env}/settings.yml) are not rolled back; revert #7 for those if needed.',
    ]);
  });

  it('rolls back one target alone on its own branch, and nothing when it is already back', () => {
    const one = { ...request, destination: 'prod/us', targets: [request.targets[1]!] };
    expect(planRollback(config, one, { files: files('1.5.0', '1.5.0') }).apps[0]!.branch).toBe(
      'gantry-rollback/prod/us/web',
    );
    const done = planRollback(config, request, { files: files('1.3.0', '1.2.9') });
    expect(done).toMatchObject({
      empty: true,
      apps: [],
      summary: expect.stringMatching(/^nothing to roll back/),
    });
  });

  it('refuses when the undone PR does not say what the targets had before', () => {
    expect(() =>
      planRollback(
        config,
        { ...request, targets: [{ target: 'prod/eu', version: {} }] },
        { files: files('1', '1') },
      ),
    ).toThrow(UsageError);
  });
});
