import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse } from 'yaml';
import { describeOutcome } from '../../src/app/apply-promotion.ts';
import type { BotDeps } from '../../src/app/deps.ts';
import { noLog } from '../../src/app/deps.ts';
import { loadForgeConfig } from '../../src/app/forge-config.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { onMerged, promoteAndFollow } from '../../src/app/on-merged.ts';
import { onRelease } from '../../src/app/on-release.ts';
import { parsePromotionBody } from '../../src/core/promote/pr-body.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import { MemoryForge } from './memory-forge.ts';

/** One step of a layout's chain, as `layout.yml` lists it. */
export interface LayoutStep {
  /** A tag in the app's repository: the release into the first environment. */
  release?: { app: string; tag: string };
  /** `gantry promote` / `/gantry promote`: into an environment or target, optionally `from`. */
  promote?: { to: string; from?: string; apps?: string[] };
  /** A human merges gantry's open PRs into this environment (in whichever repository). */
  merge?: string;
  /** The required checks of a repository pass: auto-merges scheduled there happen. */
  checksPass?: string;
  /** Someone else commits to a repository's default branch (`null` deletes a file). */
  edit?: { repo: string; files: Record<string, string | null>; message?: string };
  name?: string;
}

export interface Layout {
  name: string;
  dir: string;
  /** Directory (under the fixture) → repository it is seeded as. */
  repos: Record<string, string>;
  /** The repository holding the .gantry.yml the apps' `deploy:` points at. */
  home: string;
  /** Repositories whose required checks run when a PR is opened (auto-merge waits). */
  checksPending?: string[];
  steps: LayoutStep[];
}

export function loadLayout(dir: string): Layout {
  const spec = parse(readFileSync(join(dir, 'layout.yml'), 'utf8')) as Omit<Layout, 'dir' | 'name'>;
  return { ...spec, name: dir.split('/').pop()!, dir };
}

export function stepName(step: LayoutStep, index: number): string {
  const n = String(index + 1).padStart(2, '0');
  const what = step.name
    ? step.name
    : step.release
      ? `release ${step.release.app} ${step.release.tag}`
      : step.promote
        ? `promote --to ${step.promote.to}${step.promote.from ? ` --from ${step.promote.from}` : ''}`
        : step.merge
          ? `merge ${step.merge}`
          : step.checksPass
            ? `checks pass in ${step.checksPass}`
            : `edit ${step.edit!.repo}`;
  return `${n} ${what}`;
}

function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** A forge seeded with the layout's repositories and one app repository per released app. */
export function layoutWorld(layout: Layout) {
  const forge = new MemoryForge();
  for (const [dir, repo] of Object.entries(layout.repos)) forge.seed(repo, readTree(join(layout.dir, dir)));
  for (const repo of layout.checksPending ?? []) forge.pendingChecks.add(repo);
  const deps: BotDeps = {
    forge,
    forgeFor: async () => forge,
    clock: fixedClock(new Date('2026-11-25T12:00:00Z')),
    log: noLog,
    lock: new KeyedLock(),
  };
  return { forge, deps };
}

type World = ReturnType<typeof layoutWorld>;

/** Runs one step; returns what a reviewer sees: replies, PRs opened or changed, and every diff. */
export async function runStep(world: World, layout: Layout, step: LayoutStep): Promise<string> {
  const appRepo = `shop/${step.release?.app}`; // each app names it as apps.<app>.source
  if (step.release && !world.forge.repos.has(appRepo))
    world.forge.seed(appRepo, {
      '.gantry.yml': `version: 1\ndeploy: { repo: ${layout.home}, app: ${step.release.app}, trigger: tag }\n`,
    });
  const before = snapshot(world.forge);
  const prsBefore = world.forge.pullRequests.map(describePr);
  const notes: string[] = [];
  try {
    if (step.release) {
      const sha = world.forge.repos.get(appRepo)!.branches.get('main')!;
      const outcome = await onRelease(world.deps, {
        repo: appRepo,
        tag: step.release.tag,
        sha,
        trigger: 'tag',
      });
      notes.push(`release: ${outcome.action}${outcome.detail ? ` (${outcome.detail})` : ''}`);
    } else if (step.promote) {
      const base = await world.forge.defaultBranch(layout.home);
      const config = (await loadForgeConfig(world.forge, layout.home, base))!;
      const { plan, outcomes } = await promoteAndFollow(world.deps, layout.home, base, config, {
        kind: 'promote',
        request: {
          to: step.promote.to,
          ...(step.promote.from ? { from: step.promote.from } : {}),
          ...(step.promote.apps ? { apps: step.promote.apps } : {}),
        },
      });
      notes.push(`promote: ${plan.summary}`);
      for (const o of outcomes) notes.push(`  ${o.app}: ${describeOutcome(o)}`);
      for (const app of plan.apps) for (const note of app.notes) notes.push(`note (${app.app}): ${note}`);
    } else if (step.merge) {
      for (const pr of [...world.forge.pullRequests]) {
        if (pr.state !== 'open' || parsePromotionBody(pr.body)?.environment !== step.merge) continue;
        notes.push(...(await followMerge(world, world.forge.merge(pr.repo, pr.number))));
      }
    } else if (step.checksPass) {
      for (const pr of world.forge.checksPassed(step.checksPass))
        notes.push(...(await followMerge(world, pr)));
    } else if (step.edit) {
      world.forge.push(step.edit.repo, 'main', step.edit.files, step.edit.message ?? 'a change by hand');
    }
  } catch (error) {
    // What the bot would answer: the refusal is part of the layout's story.
    notes.push(`refused: ${(error as Error).message}`);
  }
  const prs = world.forge.pullRequests
    .filter((p, i) => describePr(p) !== prsBefore[i])
    .map(
      (p) =>
        `PR ${describePr(p)}${world.forge.autoMerge.has(`${p.repo}#${p.number}`) ? ' (auto-merge on)' : ''}`,
    );
  return [...notes.map((n) => `> ${n}`), ...prs, diffBranches(world.forge, before)].join('\n').trimEnd();
}

function describePr(p: {
  repo: string;
  number: number;
  state: string;
  head: string;
  base: string;
  title: string;
}) {
  return `${p.repo}#${p.number} [${p.state}] ${p.head} → ${p.base}: ${p.title}`;
}

/** A merged PR, followed as the bot does (the merge webhook): what onMerged did and said. */
async function followMerge(
  world: World,
  pr: { repo: string; number: number; base: string; head: string; body: string },
) {
  const sha = world.forge.repos.get(pr.repo)!.branches.get(pr.base)!;
  const outcome = await onMerged(world.deps, {
    repo: pr.repo,
    number: pr.number,
    base: pr.base,
    mergeSha: sha,
    head: pr.head,
    body: pr.body,
  });
  const comment = world.forge.comments.findLast((c) => c.repo === pr.repo && c.pullRequest === pr.number);
  return [
    `merged ${pr.repo}#${pr.number}: ${outcome.action}`,
    ...(comment
      ? comment.body
          .split('\n')
          .filter((l) => l.startsWith('- '))
          .map((l) => `  ${l}`)
      : []),
  ];
}

type Snapshot = Map<string, Map<string, string>>;

/** repo → branch → head commit. */
function snapshot(forge: MemoryForge): Snapshot {
  return new Map([...forge.repos].map(([name, repo]) => [name, new Map(repo.branches)]));
}

/**
 * Every branch that moved or appeared in the step, with its newest commit's subject and the
 * diff from where it was (a new branch: from its repository's default branch before the step).
 */
function diffBranches(forge: MemoryForge, before: Snapshot): string {
  const out: string[] = [];
  for (const [repo, r] of [...forge.repos].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [branch, sha] of [...r.branches].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const was = before.get(repo)?.get(branch);
      if (was === sha) continue;
      const commit = r.commits.get(sha)!;
      // A new branch is shown against the commit it was made on (a PR's base).
      const start = was ?? commit.parent;
      const from = start ? r.commits.get(start)!.files : new Map<string, string>();
      const subjects: string[] = [];
      for (let at: string | undefined = sha; at && at !== start; at = r.commits.get(at)!.parent)
        subjects.unshift(r.commits.get(at)!.message.split('\n')[0]!);
      out.push(`@@ ${repo} ${branch}${was ? '' : ' (new)'}: ${subjects.join(' | ')}`);
      const paths = [...new Set([...from.keys(), ...commit.files.keys()])].sort();
      for (const path of paths) {
        const a = from.get(path);
        const b = commit.files.get(path);
        if (a === b) continue;
        out.push(
          createTwoFilesPatch(`a/${path}`, `b/${path}`, a ?? '', b ?? '', '', '', { context: 2 })
            .replace(/^={60,}\n/, '')
            .replace(/\t$/gm, '')
            .trimEnd(),
        );
      }
    }
  }
  return out.join('\n');
}
