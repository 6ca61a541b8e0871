import { describe, expect, it } from 'vitest';
import { onComment } from '../../src/app/on-comment.ts';
import { chatopsWorld, GITOPS } from '../support/chatops-world.ts';

const WEB_DEV = 'apps/web/envs/dev/values.yaml';

describe('ChatOps promote and version order', () => {
  it('refuses to move an environment back and names the explicit command', async () => {
    const w = chatopsWorld('github');
    // dev went back to 1.3.0 (older than staging's 1.4.0): promoting would downgrade staging.
    const content = w.forge.filesAt(GITOPS, 'main').get(WEB_DEV)!;
    w.forge.push(GITOPS, 'main', { [WEB_DEV]: content.replace('1.5.0-rc.1', '1.3.0') });
    await onComment(w.deps, w.comment('/gantry promote staging --app web'));
    expect(w.replies()[0]).toBe(
      '😕 `/gantry promote staging --app web` web: staging would move from 1.4.0 to 1.3.0, an older version (1.3.0 is older than 1.4.0). To move there on purpose: `/gantry rollback <env> --app <app> --to <version>`',
    );
    expect(w.forge.pullRequests.filter((p) => p.head.startsWith('gantry/'))).toEqual([]);
  });
});
