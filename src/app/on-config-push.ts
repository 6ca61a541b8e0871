import { DEFAULT_CONFIG_PATH } from '../core/config/index.ts';
import { ConfigError, formatIssue } from '../core/errors.ts';
import type { RepoPath } from '../ports/forge.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';

export interface DefaultBranchPush {
  repo: RepoPath;
  branch: string;
  sha: string;
  /** Paths added, modified or removed by the pushed commits. */
  changed: readonly string[];
}

export const CONFIG_STATUS = 'gantry/config';
/** GitHub refuses status descriptions over 140 characters. */
const MAX_DESCRIPTION = 140;

/**
 * `.gantry.yml` changed on the default branch: say on the commit whether it is valid, with
 * the first problem's file:line:column when it is not.
 */
export async function onConfigPush(deps: BotDeps, event: DefaultBranchPush): Promise<Outcome> {
  if (!event.changed.includes(DEFAULT_CONFIG_PATH)) return ignored(`${DEFAULT_CONFIG_PATH} did not change`);
  try {
    const config = await loadForgeConfig(deps.forge, event.repo, event.sha);
    if (!config) return ignored(`${DEFAULT_CONFIG_PATH} was removed`);
    // Valid, but the bot refuses every release of an app whose source is not named: say so here.
    const unsourced = Object.entries(config.apps ?? {})
      .filter(([, app]) => !app.source)
      .map(([name]) => name);
    const valid = `${DEFAULT_CONFIG_PATH} is valid`;
    const text = unsourced.length
      ? `${valid}; releases refused until apps.<app>.source is set: ${unsourced.join(', ')}`
      : valid;
    await deps.forge.setCommitStatus(event.repo, event.sha, {
      context: CONFIG_STATUS,
      state: 'success',
      description: text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text,
    });
    return { action: 'valid' };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.issues.length;
    const first = formatIssue(error.issues[0]!);
    const text = count > 1 ? `${count} problems; first: ${first}` : first;
    await deps.forge.setCommitStatus(event.repo, event.sha, {
      context: CONFIG_STATUS,
      state: 'failure',
      description: text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text,
    });
    return { action: 'invalid', detail: error.message };
  }
}
