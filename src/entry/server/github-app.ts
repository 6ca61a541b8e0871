import type { ApplicationFunction, Context, Probot } from 'probot';
import { GitHubForge } from '../../adapters/github/index.ts';
import type { GitHubClient } from '../../adapters/github/octokit.ts';
import { handleEvent } from '../../app/bot.ts';
import type { Forge, RepoPath } from '../../ports/forge.ts';
import type { BotRunner } from './bot-runner.ts';
import {
  normaliseChangedPullRequest,
  normaliseClosedPullRequest,
  normaliseComment,
  normalisePush,
  normaliseWorkflowRun,
} from './github-events.ts';
import type { Normalised } from './gitlab-events.ts';

/**
 * The Probot app: translates GitHub deliveries into bot events and runs them. Probot has
 * verified the signature and authenticated the installation before any of this runs.
 */
export function githubApp(runner: BotRunner): ApplicationFunction {
  return (app: Probot) => {
    const installations = new Map<string, number>();

    /**
     * A forge for another repository: the event's installation for the same owner, else its own.
     * It keeps the owner and the Octokit, not Probot's context: a closure over the context made
     * every delivery's payload and client outlive young-generation collections, doubling the
     * heap under load (bench/serve.bench.ts).
     */
    const forgeFor =
      (eventOwner: string | undefined, octokit: GitHubClient) =>
      async (repo: RepoPath): Promise<Forge> => {
        const owner = repo.split('/')[0]!;
        if (owner === eventOwner) return new GitHubForge(octokit);
        let id = installations.get(owner);
        if (id === undefined) {
          const jwt = await app.auth();
          const { data } = await jwt.rest.apps.getRepoInstallation({ owner, repo: repo.split('/')[1]! });
          id = data.id;
          installations.set(owner, id);
        }
        return new GitHubForge((await app.auth(id)) as unknown as GitHubClient);
      };

    const dispatch = async (context: Context, name: string, normalised: Normalised) => {
      if ('ignored' in normalised) {
        runner.telemetry.deliveries.inc({ forge: 'github', event: name, outcome: 'ignored' });
        context.log.debug({ reason: normalised.ignored }, `${name} ignored`);
        return;
      }
      const octokit = context.octokit as unknown as GitHubClient;
      const owner = (context.payload as { repository?: { owner?: { login?: string } } }).repository?.owner
        ?.login;
      const forge = new GitHubForge(octokit);
      await runner.run('github', name, () =>
        handleEvent(runner.deps(forge, forgeFor(owner, octokit)), normalised.event),
      );
    };

    app.on('push', (context) => dispatch(context, 'push', normalisePush(context.payload)));
    app.on('pull_request.closed', (context) =>
      dispatch(context, 'pull_request', normaliseClosedPullRequest(context.payload)),
    );
    app.on(['pull_request.opened', 'pull_request.reopened', 'pull_request.synchronize'], (context) =>
      dispatch(context, 'pull_request', normaliseChangedPullRequest(context.payload)),
    );
    app.on(['issue_comment.created', 'issue_comment.edited'], (context) =>
      dispatch(context, 'issue_comment', normaliseComment('issue_comment', context.payload)),
    );
    app.on(['pull_request_review_comment.created', 'pull_request_review_comment.edited'], (context) =>
      dispatch(
        context,
        'pull_request_review_comment',
        normaliseComment('pull_request_review_comment', context.payload),
      ),
    );
    app.on('workflow_run.completed', async (context) => {
      const forge = new GitHubForge(context.octokit as unknown as GitHubClient);
      const isBranch = async (repo: string, name: string) => (await forge.branchHead(repo, name)) !== null;
      await dispatch(context, 'workflow_run', await normaliseWorkflowRun(context.payload, isBranch));
    });
  };
}
