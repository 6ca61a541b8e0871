import { ValidationError } from '../errors.ts';
import { closest, didYouMean } from '../text/did-you-mean.ts';
import { type Command, VERBS, type Verb } from './command.ts';
import { prefixedLines } from './lines.ts';
import { LIMITS, shown, unsafeCharacter } from './patterns.ts';
import { tokenize, type Word } from './tokenize.ts';
import { SPECS, type VerbSpec } from './verbs.ts';

export type CommandResult =
  | { ok: true; command: Command }
  /** `help`: the reply should add the help (unknown verb, wrong usage). */
  | { ok: false; error: string; help: boolean };

export interface CommandLine {
  /** 1-based line number in the comment. */
  line: number;
  /** The line as typed (without leading spaces), to quote in replies. */
  text: string;
  result: CommandResult;
}

export type ParsedComment =
  /** No command line: not for gantry. */
  | { kind: 'none' }
  /** Commands were found, but the comment as a whole is refused (too long, too many): none run. */
  | { kind: 'rejected'; error: string; lines: number }
  | { kind: 'commands'; commands: CommandLine[] };

export interface ParseOptions {
  /** The bot's handle: `@name promote prod` is a command too (ASCII, e.g. a GitHub App slug). */
  botName?: string;
}

export const PREFIX = '/gantry';
const BOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * The commands in a comment, in order. Pure and total: any string gives a result, never an
 * exception (a fuzz test holds it to that), and the cost is linear in the comment's length.
 */
export function parseComment(body: string, options: ParseOptions = {}): ParsedComment {
  const prefixes = [PREFIX];
  if (options.botName !== undefined) {
    if (!BOT_NAME.test(options.botName))
      throw new ValidationError(`bot name ${shown(options.botName)} is not a plain ASCII handle`);
    prefixes.push(`@${options.botName.toLowerCase()}`);
  }
  const lines = prefixedLines(body, prefixes);
  if (lines.length === 0) return { kind: 'none' };
  if (body.length > LIMITS.commentChars) {
    return {
      kind: 'rejected',
      lines: lines.length,
      error: `this comment is ${body.length} characters long; gantry reads commands only from comments of up to ${LIMITS.commentChars} characters. Nothing was run.`,
    };
  }
  if (lines.length > LIMITS.commands) {
    return {
      kind: 'rejected',
      lines: lines.length,
      error: `this comment has ${lines.length} commands; at most ${LIMITS.commands} are run from one comment. Nothing was run.`,
    };
  }
  return {
    kind: 'commands',
    commands: lines.map((l) => ({
      line: l.number,
      text: l.text,
      result:
        l.text.length > LIMITS.lineChars
          ? fail(`the command is ${l.text.length} characters long; at most ${LIMITS.lineChars} are read`)
          : parseCommand(l.rest),
    })),
  };
}

const fail = (error: string, help = false): CommandResult => ({ ok: false, error, help });

/** One command from what follows its prefix. */
export function parseCommand(rest: string): CommandResult {
  const tokens = tokenize(rest);
  if (!tokens.ok) return fail(tokens.error);
  const [first, ...args] = tokens.words;
  if (!first) return { ok: true, command: { verb: 'help' } };
  const verb = verbOf(first);
  if (!verb) {
    return fail(`unknown command ${shown(first.value)}${didYouMean(first.value, VERBS)}`, true);
  }
  if (args.length > LIMITS.args)
    return fail(`too many words after "${verb}" (${args.length}); at most ${LIMITS.args}`);
  return build(verb, SPECS[verb], args);
}

/** Verbs are ASCII letters, matched in any case; a quoted or non-ASCII word is never a verb. */
function verbOf(word: Word): Verb | undefined {
  if (word.quoted || !/^[A-Za-z]+$/.test(word.value)) return undefined;
  const lower = word.value.toLowerCase();
  return VERBS.find((v) => v === lower);
}

/** Dashes that are not two ASCII hyphens: what phones and word processors turn `--` into. */
const DASH_LOOKALIKE = /^(?:[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]|-(?!-))/;

function build(verb: Verb, spec: VerbSpec, args: Word[]): CommandResult {
  const usage = `usage: ${spec.usage}`;
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.quoted && word.value.startsWith('--')) {
      const match = /^--([A-Za-z][A-Za-z-]*)(?:=(.*))?$/s.exec(word.value);
      const name = match?.[1]?.toLowerCase();
      const option = name === undefined ? undefined : spec.options[name];
      if (!name || !option) {
        const known = Object.keys(spec.options).map((o) => `--${o}`);
        const hint = known.length
          ? `${didYouMean(`--${name ?? ''}`, known)}; ${verb} takes ${known.join(', ')}`
          : `; ${verb} takes no options`;
        return fail(`unknown option ${shown(word.value.split('=')[0]!)}${hint}`, true);
      }
      if (option.kind === 'flag') {
        if (match![2] !== undefined) return fail(`--${name} takes no value`);
        flags.add(name);
        continue;
      }
      let value = match![2];
      if (value === undefined) {
        const next = args[i + 1];
        if (!next || (!next.quoted && next.value.startsWith('--')))
          return fail(`--${name} needs a value: ${option.what}`);
        value = next.value;
        i++;
      }
      if (!option.pattern!.test(value)) return fail(`--${name}: ${shown(value)} is not ${option.what}`);
      const list = values.get(name) ?? [];
      if (option.kind === 'value' && list.length) return fail(`--${name} may be given once`);
      if (!list.includes(value)) list.push(value);
      values.set(name, list);
      continue;
    }
    if (!word.quoted && DASH_LOOKALIKE.test(word.value)) {
      return fail(
        `${shown(word.value)} looks like an option, but options start with two ASCII hyphens, e.g. --app`,
        true,
      );
    }
    // Checked as they come, so the reply names the first thing wrong in reading order.
    const argument = spec.positional[positional.length];
    if (argument && !argument.pattern.test(word.value))
      return fail(`${shown(word.value)} is not ${argument.what}`, true);
    positional.push(word);
  }
  const missing = spec.positional[positional.length];
  if (missing) return fail(`missing ${missing.name}; ${usage}`, true);
  const fixed = positional.slice(0, spec.positional.length).map((w) => w.value);
  const extra = positional.slice(spec.positional.length);
  let reason: string | undefined;
  let topic: Verb | undefined;
  if (extra.length && spec.rest === 'reason') {
    reason = extra.map((w) => w.value).join(' ');
    const bad = unsafeCharacter(reason);
    if (bad) return fail(`the reason contains an invisible or control character (${bad})`);
    if ([...reason].length > LIMITS.reasonChars)
      return fail(`the reason is longer than ${LIMITS.reasonChars} characters`);
  } else if (extra.length && spec.rest === 'topic' && extra.length === 1) {
    topic = verbOf(extra[0]!);
    if (!topic) {
      const hint = closest(extra[0]!.value, VERBS);
      return fail(`no help on ${shown(extra[0]!.value)}${hint ? ` (did you mean "${hint}"?)` : ''}`, true);
    }
  } else if (extra.length) {
    return fail(`unexpected ${shown(extra[0]!.value)}; ${usage}`, true);
  }
  const apps = values.get('app') ?? [];
  const one = (name: string) => values.get(name)?.[0];
  switch (verb) {
    case 'promote':
      return ok({ verb, env: fixed[0]!, apps, force: flags.has('force'), ...opt('from', one('from')) });
    case 'rollback':
      return ok({ verb, env: fixed[0]!, apps, ...opt('to', one('to')) });
    case 'freeze':
      return ok({ verb, env: fixed[0]!, ...opt('reason', reason), ...opt('for', one('for')) });
    case 'unfreeze':
      return ok({ verb, env: fixed[0]! });
    case 'canary':
      return ok({ verb, ...opt('window', one('window')) });
    case 'status':
      return ok({ verb });
    case 'help':
      return ok({ verb, ...opt('topic', topic) });
  }
}

const ok = (command: Command): CommandResult => ({ ok: true, command });

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: V };
}
