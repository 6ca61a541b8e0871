import type { ApplicationFunction, Context, Probot } from 'probot';
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
 * The Probot app: translates GitHub deliveries into bot events and accepts each as a job keyed
 * by its `X-GitHub-Delivery` id. Probot has verified the signature before any of this runs;
 * the job authenticates as the delivery's installation when it runs (maybe on another replica).
 * GitHub gets its 200 once the job is stored; if it cannot be, a 500 marks the delivery failed
 * on GitHub, where it can be redelivered.
 */
export function githubApp(runner: BotRunner): ApplicationFunction {
  return (app: Probot) => {
    const dispatch = async (
      context: Context,
      name: string,
      normalised: Normalised,
      unlessBranch?: string,
    ) => {
      if ('ignored' in normalised) {
        runner.telemetry.deliveries.inc({ forge: 'github', event: name, outcome: 'ignored' });
        context.log.debug({ reason: normalised.ignored }, `${name} ignored`);
        return;
      }
      const installation = (context.payload as { installation?: { id?: unknown } }).installation?.id;
      if (typeof installation !== 'number') {
        runner.telemetry.deliveries.inc({ forge: 'github', event: name, outcome: 'ignored' });
        context.log.warn(`${name} without an installation: ignored`);
        return;
      }
      await runner.accept({
        forge: 'github',
        id: `github/${context.id}`,
        event: name,
        installation,
        work: normalised.event,
        ...(unlessBranch ? { unlessBranch } : {}),
      });
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
      // Whether `head_branch` names a branch or a tag is a forge call: the job asks it.
      let asked: string | undefined;
      const normalised = await normaliseWorkflowRun(context.payload, async (_repo, name) => {
        asked = name;
        return false;
      });
      await dispatch(context, 'workflow_run', normalised, asked);
    });
  };
}
