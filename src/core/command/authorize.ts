import type { EnvironmentConfig } from '../config/schema.ts';

/**
 * Who may run a command: a pure policy over facts the caller gathered from the forge.
 *
 * - `status` and `help` only read: anyone who can comment may run them.
 * - Everything else needs write access to the GitOps repository (GitHub permission write,
 *   maintain or admin; GitLab role Developer or higher). Where the environment lists
 *   `approvers` for this forge, the user must also be one of them: approvers narrow who may
 *   act, they never let in someone without write access.
 *   - GitHub: a listed login, or an active member of a listed `@org/team`.
 *   - GitLab: a listed username, or a role of at least `minAccessLevel`.
 *
 * Levels are the Forge port's common scale (none < read < write < maintain < admin).
 */
export type Level = 'none' | 'read' | 'write' | 'maintain' | 'admin';
const ORDER: readonly Level[] = ['none', 'read', 'write', 'maintain', 'admin'];

export const atLeast = (have: Level, need: Level) => ORDER.indexOf(have) >= ORDER.indexOf(need);

/** GitLab roles on the common scale (guest and reporter cannot push: read). */
export const GITLAB_ROLE: Record<string, Level> = {
  guest: 'read',
  reporter: 'read',
  developer: 'write',
  maintainer: 'maintain',
  owner: 'admin',
};
const GITLAB_NAME: Record<Level, string> = {
  none: 'no role',
  read: 'Reporter',
  write: 'Developer',
  maintain: 'Maintainer',
  admin: 'Owner',
};

export type ForgeKind = 'github' | 'gitlab';

export type Rule =
  | { kind: 'anyone' }
  | { kind: 'writers' }
  | {
      kind: 'approvers';
      environment: string;
      /** Lowercase logins/usernames. */
      users: string[];
      /** Lowercase `org/team` (GitHub). */
      teams: string[];
      /** A role that is enough by itself (GitLab `minAccessLevel`). */
      minLevel?: Level;
    };

/** The rule for a command; `environment` is the one it acts on, when it acts on one. */
export function ruleFor(
  readOnly: boolean,
  environment: EnvironmentConfig | undefined,
  forge: ForgeKind,
): Rule {
  if (readOnly) return { kind: 'anyone' };
  const approvers = environment?.approvers;
  if (!environment || !approvers) return { kind: 'writers' };
  if (forge === 'github') {
    const list = approvers.github;
    if (!list?.length) return { kind: 'writers' };
    const teams = list.filter((a) => a.includes('/')).map((a) => a.replace(/^@/, '').toLowerCase());
    const users = list.filter((a) => !a.includes('/')).map((a) => a.replace(/^@/, '').toLowerCase());
    return { kind: 'approvers', environment: environment.name, users, teams };
  }
  const gitlab = approvers.gitlab;
  if (!gitlab || (!gitlab.users?.length && !gitlab.minAccessLevel)) return { kind: 'writers' };
  return {
    kind: 'approvers',
    environment: environment.name,
    users: (gitlab.users ?? []).map((u) => u.replace(/^@/, '').toLowerCase()),
    teams: [],
    ...(gitlab.minAccessLevel ? { minLevel: GITLAB_ROLE[gitlab.minAccessLevel]! } : {}),
  };
}

export interface Facts {
  user: string;
  level: Level;
  /** The forge's own word for the level (`triage`, `reporter`), for messages. */
  raw: string;
  /** The rule's teams the user is an active member of (lowercase `org/team`). */
  teams: ReadonlySet<string>;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export function decide(rule: Rule, facts: Facts, forge: ForgeKind, repo: string): Decision {
  if (rule.kind === 'anyone') return { allowed: true };
  if (!atLeast(facts.level, 'write')) {
    const need =
      forge === 'github'
        ? 'write access (GitHub permission write, maintain or admin)'
        : 'the Developer role or higher';
    const also = rule.kind === 'approvers' ? `, and to be an approver of ${rule.environment}` : '';
    return {
      allowed: false,
      reason: `@${facts.user} has ${describeLevel(facts, forge)} on ${repo}; this needs ${need}${also} (${whoMay(rule, forge)})`,
    };
  }
  if (rule.kind === 'writers') return { allowed: true };
  const user = facts.user.toLowerCase();
  if (rule.users.includes(user)) return { allowed: true };
  if (rule.teams.some((t) => facts.teams.has(t))) return { allowed: true };
  if (rule.minLevel && atLeast(facts.level, rule.minLevel)) return { allowed: true };
  return {
    allowed: false,
    reason: `only approvers of ${rule.environment} may run this: ${whoMay(rule, forge)}; @${facts.user} is not one of them`,
  };
}

/** Plain text naming who passes a rule. */
export function whoMay(rule: Rule, forge: ForgeKind): string {
  if (rule.kind === 'anyone') return 'anyone who can comment';
  const writers =
    forge === 'github' ? 'anyone with write access' : 'anyone with the Developer role or higher';
  if (rule.kind === 'writers') return writers;
  const parts = [
    ...rule.users.map((u) => `@${u}`),
    ...rule.teams.map((t) => `members of @${t}`),
    ...(rule.minLevel ? [`anyone with the ${GITLAB_NAME[rule.minLevel]} role or higher`] : []),
  ];
  return `${parts.join(', ')} (with write access)`;
}

function describeLevel(facts: Facts, forge: ForgeKind): string {
  if (facts.level === 'none') return 'no access';
  return forge === 'github' ? `${facts.raw} access` : `the ${capitalise(facts.raw)} role`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
