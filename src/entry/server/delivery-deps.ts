import type { Probot } from 'probot';
import { toGantryError } from '../../adapters/github/errors.ts';
import { GitHubForge } from '../../adapters/github/index.ts';
import type { GitHubClient } from '../../adapters/github/octokit.ts';
import type { Forge, RepoPath } from '../../ports/forge.ts';
import type { BotRunner } from './bot-runner.ts';
import type { Delivery, DeliveryDeps } from './delivery-jobs.ts';

/**
 * Use-case dependencies for a delivery job, rebuilt from what the job stores: GitHub through
 * the delivery's installation (and, for another owner's repository, that repository's
 * installation), GitLab through the configured token.
 */
export interface DeliveryForges {
  deps: DeliveryDeps;
  /** The forge for one repository, as a job that holds only (kind, installation, repo) reaches it. */
  forge(kind: 'github' | 'gitlab', repo: RepoPath): Promise<Forge>;
}

export function deliveryForges(
  runner: BotRunner,
  options: { probot?: Probot; gitlab?: Forge },
): DeliveryForges {
  const installations = new Map<string, number>();
  /** Probot's auth errors are Octokit's: typed here, so a 5xx or rate limit on the token is retried. */
  const auth = async (id?: number) => {
    const probot = options.probot;
    if (!probot) throw new Error('a GitHub delivery needs the GitHub App credentials');
    try {
      return (id === undefined ? await probot.auth() : await probot.auth(id)) as unknown as GitHubClient;
    } catch (error) {
      throw toGantryError(
        error,
        `GitHub App authentication${id === undefined ? '' : ` for installation ${id}`}`,
      );
    }
  };
  /** The event's own forge for its owner's repositories; another owner's through its installation. */
  const githubFor =
    (forge: Forge | undefined, eventOwner: string | undefined) =>
    async (repo: RepoPath): Promise<Forge> => {
      const [owner, name] = [repo.slice(0, repo.indexOf('/')), repo.slice(repo.indexOf('/') + 1)];
      if (forge && owner === eventOwner) return forge;
      let id = installations.get(owner);
      if (id === undefined) {
        const jwt = await auth();
        try {
          id = (await jwt.rest.apps.getRepoInstallation({ owner, repo: name })).data.id;
        } catch (error) {
          throw toGantryError(error, `GitHub App installation on ${repo}`);
        }
        installations.set(owner, id);
      }
      return new GitHubForge(await auth(id));
    };
  const gitlab = () => {
    if (!options.gitlab) throw new Error('a GitLab delivery needs GITLAB_URL and GITLAB_TOKEN');
    return options.gitlab;
  };
  return {
    async deps(delivery: Delivery) {
      if (delivery.forge === 'gitlab') return runner.deps(gitlab(), async () => gitlab());
      const forge: Forge = new GitHubForge(await auth(delivery.installation));
      const work = delivery.work;
      const eventOwner = (work.kind === 'comment' ? work.comment.repo : work.repo).split('/')[0];
      return runner.deps(forge, githubFor(forge, eventOwner));
    },
    async forge(kind, repo) {
      return kind === 'gitlab' ? gitlab() : githubFor(undefined, undefined)(repo);
    },
  };
}
