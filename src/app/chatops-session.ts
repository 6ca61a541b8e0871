import { atLeast, type Decision, decide, type Level, type Rule } from '../core/command/authorize.ts';
import { UsageError } from '../core/errors.ts';
import { parsePromotionBody } from '../core/promote/pr-body.ts';
import type { Permission } from '../ports/forge.ts';
import type { ChatOpsContext } from './chatops-reply.ts';
import type { ChatOpsDeps, CommentEvent } from './comment-event.ts';
import { loadForgeConfig } from './forge-config.ts';

type PullRequestInfo = NonNullable<CommentEvent['pullRequest']>;

/**
 * What the commands of one comment share, each fetched at most once and only when a command
 * needs it: the GitOps context (config), the PR the comment is on, the author's permission.
 */
export class ChatOpsSession {
  readonly #deps: ChatOpsDeps;
  readonly #event: CommentEvent;
  #context: Promise<ChatOpsContext> | undefined;
  #pullRequest: Promise<PullRequestInfo | undefined> | undefined;
  #permission: Promise<Permission> | undefined;
  readonly #teams = new Map<string, Promise<boolean>>();

  constructor(deps: ChatOpsDeps, event: CommentEvent) {
    this.#deps = deps;
    this.#event = event;
  }

  /** The PR/MR the comment is on (from the event, else one read), or undefined on an issue. */
  pullRequest(): Promise<PullRequestInfo | undefined> {
    this.#pullRequest ??= (async () => {
      const event = this.#event;
      if (!event.isPullRequest) return undefined;
      if (event.pullRequest) return event.pullRequest;
      const pr = await this.#deps.forge.getPullRequest(event.repo, event.number);
      return { fromFork: pr.fromFork, head: pr.head, base: pr.base, body: pr.body };
    })();
    return this.#pullRequest;
  }

  /**
   * The repository commands act on. A GitOps repository (it has `environments:`) acts on
   * itself; an app repository acts on the GitOps repository its `deploy:` names, and its
   * `deploy.app` is the app commands mean by default.
   */
  context(): Promise<ChatOpsContext> {
    this.#context ??= (async () => {
      const { forge } = this.#deps;
      const { repo } = this.#event;
      const base = await forge.defaultBranch(repo);
      const config = await loadForgeConfig(forge, repo, base);
      if (!config) throw new UsageError(`${repo} has no .gantry.yml on ${base}: gantry is not set up here`);
      if (config.environments?.length) {
        const pr = await this.pullRequest();
        const promotion = pr ? parsePromotionBody(pr.body) : undefined;
        return { forge, repo, base, config, ...(promotion ? { promotion } : {}) };
      }
      if (!config.deploy)
        throw new UsageError(
          `${repo}'s .gantry.yml has no environments: and no deploy: section; nothing to act on`,
        );
      const gitopsRepo = config.deploy.repo;
      const gitops = await this.#deps.forgeFor(gitopsRepo);
      const gitopsBase = await gitops.defaultBranch(gitopsRepo);
      const gitopsConfig = await loadForgeConfig(gitops, gitopsRepo, gitopsBase);
      if (!gitopsConfig?.environments?.length)
        throw new UsageError(`${gitopsRepo} (deploy.repo of ${repo}) has no environments in its .gantry.yml`);
      return {
        forge: gitops,
        repo: gitopsRepo,
        base: gitopsBase,
        config: gitopsConfig,
        deployApp: config.deploy.app,
      };
    })();
    return this.#context;
  }

  /**
   * Checks a rule: the author's permission on the GitOps repository (one read), and team
   * memberships only when they can decide (write access, not a listed user or role).
   */
  async authorize(rule: Rule): Promise<Decision> {
    const ctx = await this.context();
    if (rule.kind === 'anyone') return { allowed: true };
    const user = this.#event.author;
    this.#permission ??= ctx.forge.getPermission(ctx.repo, user);
    const permission = await this.#permission;
    const level = permission.level as Level;
    const teams = new Set<string>();
    const listed =
      rule.kind === 'approvers' &&
      (rule.users.includes(user.toLowerCase()) ||
        (rule.minLevel !== undefined && atLeast(level, rule.minLevel)));
    if (rule.kind === 'approvers' && atLeast(level, 'write') && !listed) {
      for (const team of rule.teams) {
        let member = this.#teams.get(team);
        if (!member) {
          member = ctx.forge.isTeamMember(team, user);
          this.#teams.set(team, member);
        }
        if (await member) {
          teams.add(team);
          break;
        }
      }
    }
    return decide(rule, { user, level, raw: permission.raw, teams }, this.#event.forge, ctx.repo);
  }
}
