import type { BotDeps, Outcome } from './deps.ts';
import { type DefaultBranchPush, onConfigPush } from './on-config-push.ts';
import { type MergedEvent, onMerged } from './on-merged.ts';
import { onRelease, type ReleaseEvent } from './on-release.ts';

/** Everything the bot reacts to, the same for GitHub and GitLab (entries translate payloads). */
export type BotEvent =
  | ({ kind: 'release' } & ReleaseEvent)
  | ({ kind: 'merged' } & MergedEvent)
  | ({ kind: 'default-branch-push' } & DefaultBranchPush);

/** Runs the use case for one normalised event. */
export async function handleEvent(deps: BotDeps, event: BotEvent): Promise<Outcome> {
  switch (event.kind) {
    case 'release':
      return onRelease(deps, event);
    case 'merged':
      return onMerged(deps, event);
    case 'default-branch-push':
      return onConfigPush(deps, event);
  }
}
