import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { LocalForge } from '../../adapters/local/local-forge.ts';
import { planFromSource } from '../../app/promote.ts';
import type { GantryConfig } from '../../core/config/schema.ts';
import { RefusedError, UsageError } from '../../core/errors.ts';
import { describeFreeze, frozen } from '../../core/freeze/frozen.ts';
import { FREEZE_FILE, readFreezeState } from '../../core/freeze/state.ts';
import { commitMessage } from '../../core/promote/commit-message.ts';
import { resolveDestination } from '../../core/promote/environments.ts';
import { splitKey } from '../../core/promote/file-key.ts';
import type { AppPromotion, PromotionPlan } from '../../core/promote/plan.ts';
import { systemClock } from '../../ports/clock.ts';
import { EXIT, type Io, json } from '../output.ts';
import { loadRepoConfig } from './repo-config.ts';
import { parseRepoDir, WorkingTrees } from './repo-dirs.ts';

interface PromoteOptions {
  repo: string;
  config?: string;
  to: string;
  from?: string;
  app: string[];
  dryRun?: boolean;
  write?: boolean;
  commit?: boolean;
  allowDowngrade?: boolean;
  allowUnordered?: boolean;
  ignoreFreeze?: boolean;
  json?: boolean;
  repoDir: Map<string, string>;
}

export function registerPromote(program: Command, io: Io, exit: (code: number) => void): void {
  program
    .command('promote')
    .description(
      'plan a promotion between environments: print it (default), write it, or commit it on its branch',
    )
    .requiredOption(
      '--to <env>',
      'destination environment (all its targets) or one target, e.g. prod or prod/eu-west',
    )
    .option('--from <env>', "source environment or target (default: the destination's `after`)")
    .option('--app <name>', 'only this app (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--repo <dir>', 'GitOps repository checkout', '.')
    .option(
      '--repo-dir <repo=dir>',
      'checkout of another repository an environment lives in (repeatable), e.g. shop/argocd-production=../argocd-production',
      parseRepoDir,
      new Map<string, string>(),
    )
    .option('--config <file>', 'configuration file (default: <repo>/.gantry.yml)')
    .option('--dry-run', 'print PR titles, bodies and a unified diff; change nothing (default)')
    .option('--write', 'write the changes into the working tree')
    .option(
      '--commit',
      'with --write: one commit per app on gantry/<env>/<app> (the working tree stays as is)',
    )
    .option(
      '--allow-downgrade',
      'allow moving an environment to an older version, or one it ran before (rollback)',
    )
    .option('--allow-unordered', 'allow a move whose version order cannot be known (noted in the PR)')
    .option('--ignore-freeze', 'promote into an environment inside a freeze window or /gantry freeze')
    .option('--json', 'machine-readable plan')
    .action(async (options: PromoteOptions) => {
      if (options.dryRun && (options.write || options.commit))
        throw new UsageError('--dry-run cannot be combined with --write or --commit');
      if (options.commit && !options.write) throw new UsageError('--commit needs --write');
      const dir = resolve(options.repo);
      const config = await loadRepoConfig(dir, options.config);
      const request = {
        to: options.to,
        ...(options.from ? { from: options.from } : {}),
        apps: options.app,
        allowDowngrade: options.allowDowngrade === true,
        allowUnordered: options.allowUnordered === true,
      };
      const forge = new LocalForge(dir);
      const tree = new WorkingTrees(dir, options.repoDir);
      const freeze = await checkFreeze(config, options.to, tree, options.ignoreFreeze === true);
      let plan: PromotionPlan;
      const commits: Array<{ app: string; branch: string; sha: string }> = [];
      const isRepo = await forge.isRepositoryRoot();
      if (options.commit) {
        if (options.repoDir.size)
          throw new UsageError('--commit works in one checkout; --repo-dir is for --dry-run and --write');
        if (!isRepo)
          throw new RefusedError(`${dir} is not the top directory of a git repository; --commit needs one`);
        const dirty = await forge.dirtyPaths();
        if (dirty.length) {
          throw new RefusedError(
            `${dir} has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}); commit or stash them before --commit`,
          );
        }
        const head = await forge.readFiles('local', [], 'HEAD');
        ({ plan } = await planFromSource(config, request, {
          read: (paths) => forge.readFiles('local', paths, head.sha),
          history: (path, limit) => forge.fileHistory('local', path, head.sha, limit),
        }));
        for (const app of plan.apps) {
          const expectedHead = await forge.branchHead('local', app.branch);
          const { sha } = await forge.commit('local', {
            branch: app.branch,
            parent: head.sha,
            expectedHead,
            message: commitMessage(app),
            changes: app.updates.map((u) => ({ path: u.path, content: u.after })),
          });
          commits.push({ app: app.app, branch: app.branch, sha });
        }
      } else {
        ({ plan } = await planFromSource(config, request, {
          read: (paths) => tree.readFiles(paths),
          ...(isRepo
            ? {
                // History of the checkout's own files; another repository's is not read.
                history: async (key: string, limit: number) =>
                  splitKey(key).repo ? [] : forge.fileHistory('local', key, 'HEAD', limit),
              }
            : {}),
        }));
        // A dry run refuses exactly what --write would: the same checks, nothing written.
        const updates = plan.apps.flatMap((a) => a.updates);
        if (options.write) await tree.writeFiles(updates, { createDirectories: true });
        else await tree.checkWritable(updates);
      }
      const mode = options.commit ? 'commit' : options.write ? 'write' : 'dry-run';
      if (freeze) io.err(`gantry: warning: ${freeze}; promoting anyway (--ignore-freeze)`);
      if (options.json)
        io.out(json({ mode, ...serialise(plan), commits, ...(freeze ? { ignoredFreeze: freeze } : {}) }));
      else io.out(describe(plan, mode, commits));
      // The other apps went ahead; the blocked ones are a failure to look at.
      for (const b of plan.blocked ?? []) io.err(`gantry: ${b.reason}`);
      exit(plan.blocked?.length ? EXIT.failed : EXIT.ok);
    });
}

/** A file as the diff names it: `path`, or `owner/repo:path` in another repository. */
function shown(u: { repo?: string; path: string }): string {
  return u.repo ? `${u.repo}:${u.path}` : u.path;
}

/**
 * Refuses a promotion into a frozen environment (a `freeze:` window, or `/gantry freeze` in
 * .gantry/freeze.yml) as the bot does, unless `--ignore-freeze`: then says what it ignored.
 */
async function checkFreeze(
  config: GantryConfig,
  to: string,
  tree: WorkingTrees,
  ignore: boolean,
): Promise<string | undefined> {
  const { env } = resolveDestination(config, to);
  const state = readFreezeState((await tree.readFiles([FREEZE_FILE])).files.get(FREEZE_FILE) ?? null);
  const freeze = frozen(env, state, systemClock.now());
  if (!freeze.frozen) return undefined;
  const what = `${env.name} is ${describeFreeze(freeze)}`;
  if (!ignore) throw new RefusedError(what, 'freeze');
  return what;
}

function diffOf(app: AppPromotion): string {
  return app.updates
    .map((u) =>
      createTwoFilesPatch(`a/${shown(u)}`, `b/${shown(u)}`, u.before ?? '', u.after, '', '', { context: 3 })
        .replace(/^={60,}\n/, '')
        .replace(/\t$/gm, ''),
    )
    .join('');
}

function serialise(plan: PromotionPlan) {
  return {
    ...plan,
    apps: plan.apps.map(({ updates, ...app }) => ({
      ...app,
      files: updates.map(shown),
      diff: diffOf({ ...app, updates }),
    })),
  };
}

function describe(
  plan: PromotionPlan,
  mode: string,
  commits: Array<{ branch: string; sha: string }>,
): string {
  const out: string[] = [];
  for (const app of plan.apps) {
    out.push(
      `━━ ${app.branch} ${'━'.repeat(Math.max(3, 70 - app.branch.length))}`,
      `Title: ${app.title}`,
      '',
      app.body,
      '',
      diffOf(app),
    );
  }
  if (plan.unchanged.length && !plan.empty)
    out.push(`Unchanged (already equal): ${plan.unchanged.join(', ')}`);
  out.push(plan.summary);
  if (mode === 'write')
    out.push(`Wrote ${plan.apps.reduce((n, a) => n + a.updates.length, 0)} file(s) into the working tree.`);
  for (const c of commits) out.push(`Committed ${c.sha.slice(0, 12)} on ${c.branch}.`);
  if (mode === 'dry-run' && !plan.empty)
    out.push('(dry run: nothing was changed; --write to apply, --write --commit to commit)');
  return out.join('\n');
}
