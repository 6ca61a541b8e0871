import type { Verb } from './command.ts';
import { APP, DURATION, ENVIRONMENT, VERSION } from './patterns.ts';

export interface Argument {
  pattern: RegExp;
  /** What a valid value looks like, for error messages. */
  what: string;
}

export interface OptionSpec extends Partial<Argument> {
  kind: 'flag' | 'value' | 'multi';
}

export interface VerbSpec {
  usage: string;
  summary: string;
  examples: string[];
  positional: Array<Argument & { name: string }>;
  /** Words after the positionals: a free-text reason, an optional verb (help), or nothing. */
  rest?: 'reason' | 'topic';
  options: Record<string, OptionSpec>;
}

const env: Argument & { name: string } = {
  name: 'environment',
  pattern: ENVIRONMENT,
  what: 'an environment such as prod, or a target such as prod/eu-west',
};
const app: OptionSpec = { kind: 'multi', pattern: APP, what: 'an app name (lowercase letters, digits, "-")' };

/** Each verb's grammar; the parser, the help and the README table are all made from it. */
export const SPECS: Record<Verb, VerbSpec> = {
  promote: {
    usage: '/gantry promote <env>[/<target>] [--app NAME]... [--from ENV] [--force]',
    summary:
      'open or update the promotion PR(s) into an environment, from the one before it (or --from another environment or target); --force promotes during a freeze (approvers only)',
    examples: [
      '/gantry promote prod',
      '/gantry promote prod/eu-west --app web --app api',
      '/gantry promote prod-eu --from prod-asia',
    ],
    positional: [env],
    options: {
      app,
      from: {
        kind: 'value',
        pattern: ENVIRONMENT,
        what: 'an environment such as staging, or a target such as prod-asia',
      },
      force: { kind: 'flag' },
    },
  },
  rollback: {
    usage: '/gantry rollback <env>[/<target>] [--app NAME]... [--to VERSION]',
    summary:
      'open a PR setting an environment back to its previous version (from git history), or to VERSION',
    examples: ['/gantry rollback prod --app web', '/gantry rollback staging --app api --to 1.4.0'],
    positional: [env],
    options: {
      app,
      to: { kind: 'value', pattern: VERSION, what: 'an image tag such as 1.4.0 or sha-9f2c1e7' },
    },
  },
  freeze: {
    usage: '/gantry freeze <env> [--for DURATION] [reason…]',
    summary:
      'record a freeze in .gantry/freeze.yml: auto-promotion into the environment pauses, promote needs --force',
    examples: ['/gantry freeze prod "incident 42"', '/gantry freeze prod --for 2h database migration'],
    positional: [{ ...env, what: 'an environment such as prod' }],
    rest: 'reason',
    options: { for: { kind: 'value', pattern: DURATION, what: 'a duration such as 30m, 2h or 1d' } },
  },
  unfreeze: {
    usage: '/gantry unfreeze <env>',
    summary: 'remove the freeze recorded by /gantry freeze',
    examples: ['/gantry unfreeze prod'],
    positional: [{ ...env, what: 'an environment such as prod' }],
    options: {},
  },
  canary: {
    usage: '/gantry canary [--window DURATION]',
    summary: 'run one canary analysis now (needs canary: in .gantry.yml)',
    examples: ['/gantry canary', '/gantry canary --window 15m'],
    positional: [],
    options: { window: { kind: 'value', pattern: DURATION, what: 'a duration such as 15m or 1h' } },
  },
  status: {
    usage: '/gantry status',
    summary: 'the version of every app in every environment',
    examples: ['/gantry status'],
    positional: [],
    options: {},
  },
  help: {
    usage: '/gantry help [verb]',
    summary: 'this help',
    examples: ['/gantry help', '/gantry help rollback'],
    positional: [],
    rest: 'topic',
    options: {},
  },
};
