/**
 * ChatOps commands as data: what a `/gantry` line asks for, after parsing and validation.
 * Every argument has passed a strict pattern (see `patterns.ts`) before it gets here.
 */

export const VERBS = ['promote', 'rollback', 'freeze', 'unfreeze', 'canary', 'status', 'help'] as const;
export type Verb = (typeof VERBS)[number];

export type Command =
  /** Promotion into `env` (an environment, or one target such as `prod/eu-west`). */
  | { verb: 'promote'; env: string; apps: string[]; force: boolean; from?: string }
  /** A PR setting `env` back to its previous version, or to `to`. */
  | { verb: 'rollback'; env: string; apps: string[]; to?: string }
  | { verb: 'freeze'; env: string; reason?: string; for?: string }
  | { verb: 'unfreeze'; env: string }
  | { verb: 'canary'; window?: string }
  | { verb: 'status' }
  | { verb: 'help'; topic?: Verb };

/** Commands that change something (a branch, a PR, a commit, a status); the rest only read. */
export function changesState(command: Command): boolean {
  return command.verb !== 'status' && command.verb !== 'help';
}

/** The environment a command acts on, if any: what authorisation is checked against. */
export function environmentOf(command: Command): string | undefined {
  return 'env' in command ? command.env : undefined;
}

/**
 * One spelling per meaning (`PROMOTE prod --app=b --app a` → `promote prod --app a --app b`):
 * the key under which a repeated command is recognised, and how replies name it.
 */
export function canonical(command: Command): string {
  const parts: string[] = [command.verb];
  switch (command.verb) {
    case 'promote':
      parts.push(command.env, ...[...command.apps].sort().flatMap((a) => ['--app', a]));
      if (command.from) parts.push('--from', command.from);
      if (command.force) parts.push('--force');
      break;
    case 'rollback':
      parts.push(command.env, ...[...command.apps].sort().flatMap((a) => ['--app', a]));
      if (command.to) parts.push('--to', command.to);
      break;
    case 'freeze':
      parts.push(command.env);
      if (command.for) parts.push('--for', command.for);
      if (command.reason) parts.push(JSON.stringify(command.reason));
      break;
    case 'unfreeze':
      parts.push(command.env);
      break;
    case 'canary':
      if (command.window) parts.push('--window', command.window);
      break;
    case 'help':
      if (command.topic) parts.push(command.topic);
      break;
  }
  return parts.join(' ');
}
