import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  normaliseChangedPullRequest,
  normaliseClosedPullRequest,
  normalisePush,
  normaliseWorkflowRun,
} from '../../../src/entry/server/github-events.ts';
import { normaliseGitLab } from '../../../src/entry/server/gitlab-events.ts';
import { repoRoot } from '../../support/cli.ts';
import { githubExample } from '../../support/webhooks.ts';

const gitlab = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/gitlab-webhooks', `${name}.json`), 'utf8'));

describe('GitHub payloads → bot events (GitHub’s own examples)', () => {
  it('push: a tag is a release, the default branch a config/onboarding check, others nothing', () => {
    expect(
      normalisePush(githubExample('push', (p) => p.ref === 'refs/tags/simple-tag' && !p.deleted)),
    ).toMatchObject({
      event: { kind: 'release', repo: 'Codertocat/Hello-World', tag: 'simple-tag', trigger: 'tag' },
    });
    const branch = githubExample('push', (p) => p.ref === 'refs/heads/master');
    expect(normalisePush(branch)).toMatchObject({ event: { kind: 'default-branch-push', branch: 'master' } });
    expect(normalisePush({ ...branch, ref: 'refs/heads/feature' })).toEqual({
      ignored: 'push to feature, not the default branch',
    });
    expect(normalisePush({ ...branch, after: 'not-a-sha' })).toMatchObject({
      ignored: expect.stringMatching(/^push payload lacks after/),
    });
  });

  it('pull_request: opened is a change request, closed unmerged is nothing', () => {
    const opened = githubExample('pull_request', (p) => p.action === 'opened');
    expect(normaliseChangedPullRequest(opened)).toMatchObject({
      event: { kind: 'change-request', head: 'changes', fromFork: false },
    });
    expect(normaliseClosedPullRequest(githubExample('pull_request', (p) => p.action === 'closed'))).toEqual({
      ignored: 'closed without merging',
    });
  });

  it('workflow_run: only a successful run for a tag push is a release', async () => {
    const run = githubExample('workflow_run', (p) => p.action === 'completed');
    run.workflow_run = { ...run.workflow_run, conclusion: 'success', event: 'push', head_branch: 'v2.0.0' };
    const tagOnly = async () => false;
    expect(await normaliseWorkflowRun(run, tagOnly)).toMatchObject({
      event: { kind: 'release', tag: 'v2.0.0', trigger: 'pipeline' },
    });
    expect(await normaliseWorkflowRun(run, async () => true)).toEqual({
      ignored: 'workflow run on branch v2.0.0',
    });
    run.workflow_run.conclusion = 'failure';
    expect(await normaliseWorkflowRun(run, tagOnly)).toEqual({ ignored: 'workflow failure' });
  });
});

describe('GitLab payloads → bot events (GitLab’s documented bodies)', () => {
  it('maps tag pushes, tag pipelines, merges, MR updates and default-branch pushes', () => {
    expect(normaliseGitLab('Tag Push Hook', gitlab('tag_push'))).toMatchObject({
      event: { kind: 'release', repo: 'jsmith/example', tag: 'v1.0.0', trigger: 'tag' },
    });
    expect(normaliseGitLab('Pipeline Hook', gitlab('pipeline'))).toEqual({ ignored: 'not a tag pipeline' });
    expect(normaliseGitLab('Merge Request Hook', gitlab('merge_request'))).toMatchObject({
      event: {
        kind: 'change-request',
        repo: 'gitlabhq/gitlab-test',
        number: 1,
        head: 'ms-viewport',
        fromFork: false,
      },
    });
    const merged = gitlab('merge_request');
    merged.object_attributes.action = 'merge';
    expect(normaliseGitLab('Merge Request Hook', merged)).toMatchObject({
      event: { kind: 'merged', number: 1, base: 'master' },
    });
    expect(normaliseGitLab('Push Hook', gitlab('push'))).toMatchObject({
      event: {
        kind: 'default-branch-push',
        repo: 'mike/diaspora',
        changed: ['CHANGELOG', 'app/controller/application.rb'],
      },
    });
    expect(normaliseGitLab('Wiki Page Hook', {})).toEqual({ ignored: 'event Wiki Page Hook is not used' });
  });
});
