import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/config/schema.ts';
import { UsageError } from '../../../src/core/errors.ts';
import {
  arrivalOrder,
  chooseRollback,
  type Revision,
  rollbackBranch,
} from '../../../src/core/promote/rollback.ts';

const artifact: Artifact = { kind: 'helm-value', path: 'apps/web/envs/{env}/values.yaml', key: 'image.tag' };
const PATH = 'apps/web/envs/prod/values.yaml';
/** Newest first, like the Forge port's fileHistory. */
const history = (...tags: Array<string | null>): Revision[] =>
  tags.map((tag, i) => ({
    sha: `${i}`.repeat(40).slice(0, 40),
    subject: `change ${i}`,
    content: tag === null ? null : tag === 'broken' ? 'image: [' : `image:\n  tag: "${tag}"\n`,
  }));

describe('chooseRollback', () => {
  it('goes back to the version before the current one', () => {
    expect(chooseRollback(artifact, PATH, history('1.5.0', '1.4.0', '1.3.0'))).toEqual({
      kind: 'commit',
      sha: '1'.repeat(40),
      subject: 'change 1',
      version: { tag: '1.4.0' },
    });
  });

  it('skips revisions with the same version, unreadable ones and deletions', () => {
    expect(chooseRollback(artifact, PATH, history('1.5.0', '1.5.0', 'broken', null, '1.4.0'))).toMatchObject({
      version: { tag: '1.4.0' },
      sha: '4'.repeat(40),
    });
  });

  it('goes further back after a rollback instead of returning to the version rolled back from (semver)', () => {
    expect(chooseRollback(artifact, PATH, history('1.4.0', '1.5.0', '1.4.0', '1.3.0'))).toMatchObject({
      version: { tag: '1.3.0' },
    });
  });

  it('orders non-semver tags by when they first arrived', () => {
    expect(arrivalOrder(artifact, PATH, history('sha-a', 'sha-b', 'sha-a', 'sha-c'))).toEqual([
      'sha-c',
      'sha-a',
      'sha-b',
    ]);
    expect(chooseRollback(artifact, PATH, history('sha-a', 'sha-b', 'sha-a', 'sha-c'))).toMatchObject({
      version: { tag: 'sha-c' },
    });
  });

  it('finds --to in the history, or falls back to the bare version', () => {
    expect(chooseRollback(artifact, PATH, history('1.5.0', '1.4.0', '1.3.0'), '1.3.0')).toMatchObject({
      kind: 'commit',
      sha: '2'.repeat(40),
    });
    expect(chooseRollback(artifact, PATH, history('1.5.0'), '1.0.0')).toEqual({
      kind: 'version',
      version: { tag: '1.0.0' },
    });
  });

  it('says why there is nothing to roll back to', () => {
    expect(() => chooseRollback(artifact, PATH, history('1.5.0', '1.6.0'))).toThrow(
      'apps/web/envs/prod/values.yaml: no version older than 1.5.0 in its last 2 change(s); roll back with --to VERSION',
    );
    expect(() => chooseRollback(artifact, PATH, history('1.5.0'), '1.5.0')).toThrow(UsageError);
    expect(() => chooseRollback(artifact, PATH, [])).toThrow(/no version found/);
  });

  it('keeps rollback branches apart from promotion branches', () => {
    expect(rollbackBranch('prod/eu-west', 'web')).toBe('gantry-rollback/prod/eu-west/web');
  });
});
