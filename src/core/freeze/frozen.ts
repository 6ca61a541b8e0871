import { freezeAt, parseFreezeWindow } from '../config/freeze.ts';
import type { EnvironmentConfig } from '../config/schema.ts';
import type { FreezeState } from './state.ts';

/** Why an environment takes no promotion now, if it does not. */
export type Freeze =
  | { frozen: false }
  /** `/gantry freeze`: until it is unfrozen, or until `until`. */
  | { frozen: true; source: 'command'; by: string; since: Date; until?: Date; reason?: string }
  /** A `freeze:` window of the configuration, ending at `until`. */
  | { frozen: true; source: 'window'; until: Date; window: string }
  /** `.gantry/freeze.yml` cannot be read: nothing is promoted automatically until it is fixed. */
  | { frozen: true; source: 'invalid'; problem: string };

/**
 * Whether `env` is frozen at `now`: by a recorded freeze (which wins: it names who and why),
 * else by a configured window. Shared by automatic promotion and `/gantry promote`.
 */
export function frozen(env: EnvironmentConfig, state: FreezeState, now: Date): Freeze {
  if (state.invalid) return { frozen: true, source: 'invalid', problem: state.invalid };
  const recorded = state.environments[env.name];
  if (recorded) {
    const until = recorded.until ? new Date(recorded.until) : undefined;
    if (!until || until.getTime() > now.getTime()) {
      return {
        frozen: true,
        source: 'command',
        by: recorded.by,
        since: new Date(recorded.at),
        ...(until ? { until } : {}),
        ...(recorded.reason ? { reason: recorded.reason } : {}),
      };
    }
  }
  for (const text of env.freeze ?? []) {
    const parsed = parseFreezeWindow(text);
    if (!parsed.ok) continue;
    const at = freezeAt(parsed.window, now);
    if (at.frozen) return { frozen: true, source: 'window', until: at.until, window: text };
  }
  return { frozen: false };
}

/** One line of plain text (callers escape it for Markdown): `frozen until … by alice: reason`. */
export function describeFreeze(freeze: Exclude<Freeze, { frozen: false }>): string {
  switch (freeze.source) {
    case 'command':
      return `frozen ${freeze.until ? `until ${freeze.until.toISOString()}` : 'until unfrozen'} by ${freeze.by} since ${freeze.since.toISOString()}${freeze.reason ? `: ${freeze.reason}` : ''}`;
    case 'window':
      return `frozen until ${freeze.until.toISOString()} (freeze window "${freeze.window}")`;
    case 'invalid':
      return `treated as frozen: ${freeze.problem}`;
  }
}
