import type { ChatOpsDeps, CommentEvent } from './comment-event.ts';
import type { Outcome } from './deps.ts';
import { type ChangeRequestEvent, onChangeRequest } from './on-change-request.ts';
import { onComment } from './on-comment.ts';
import { type DefaultBranchPush, onConfigPush } from './on-config-push.ts';
import { type MergedEvent, onMerged } from './on-merged.ts';
import { onOnboarding } from './on-onboarding.ts';
import { onRelease, type ReleaseEvent } from './on-release.ts';

/** Everything the bot reacts to, the same for GitHub and GitLab (entries translate payloads). */
export type BotEvent =
  | ({ kind: 'release' } & ReleaseEvent)
  | ({ kind: 'merged' } & MergedEvent)
  | ({ kind: 'default-branch-push' } & DefaultBranchPush)
  | ({ kind: 'change-request' } & ChangeRequestEvent)
  | { kind: 'comment'; comment: CommentEvent };

/** Runs the use case for one normalised event. */
export async function handleEvent(deps: ChatOpsDeps, event: BotEvent): Promise<Outcome> {
  switch (event.kind) {
    case 'release':
      return onRelease(deps, event);
    case 'merged':
      return onMerged(deps, event);
    case 'default-branch-push': {
      // Both look at the same push: the config status, then whether the CI needs gantry.
      const config = await onConfigPush(deps, event);
      const onboarding = await onOnboarding(deps, event);
      return {
        action: `${config.action}+${onboarding.action}`,
        ...(onboarding.pullRequests ? { pullRequests: onboarding.pullRequests } : {}),
      };
    }
    case 'change-request':
      return onChangeRequest(deps, event);
    case 'comment':
      return onComment(deps, event.comment);
  }
}
