import { VERBS, type Verb } from './command.ts';
import { LIMITS } from './patterns.ts';
import { SPECS } from './verbs.ts';

/**
 * The help as Markdown. Examples sit in a fenced code block, so a reply that contains the
 * help is never read as commands (by gantry or by another bot reading the thread).
 */
export function renderHelp(options: { topic?: Verb; botName?: string } = {}): string {
  const { topic, botName } = options;
  const verbs = topic ? [topic] : [...VERBS];
  const body = verbs.flatMap((verb) => {
    const spec = SPECS[verb];
    return [spec.usage, `    ${spec.summary}`, ...spec.examples.map((e) => `    e.g. ${e}`), ''];
  });
  return [
    `**gantry commands**: one per line of a PR/MR or issue comment, at most ${LIMITS.commands} per comment${botName ? `; \`@${botName}\` works as well as \`/gantry\`` : ''}.`,
    '',
    '```text',
    ...body.slice(0, -1),
    '```',
    '',
    'Who may run them: `status` and `help` anyone who can comment; the others need write access (GitHub write, GitLab Developer) or, where the environment lists `approvers`, one of them. Not on pull requests from forks.',
  ].join('\n');
}
