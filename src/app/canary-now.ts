import { gatingCanary } from '../core/canary/gate.ts';
import type { AnalysisResult, Verdict } from '../core/canary/types.ts';
import { combinedVerdict } from '../core/canary/watch.ts';
import { CANARY_MARKER, renderCanaryComment, renderNowSection } from '../core/canary/watch-report.ts';
import { UsageError } from '../core/errors.ts';
import { allLocations, resolveDestination } from '../core/promote/environments.ts';
import { parsePromotionBody } from '../core/promote/pr-body.ts';
import type { RepoPath } from '../ports/forge.ts';
import { analyzeTargets, readComment } from './canary-targets.ts';
import type { BotDeps } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';

export interface AnalyzeNowRequest {
  repo: RepoPath;
  /** The PR/MR the command was typed on: the report goes into its canary comment. */
  number: number;
  /**
   * What to analyse; default from the PR's promotion metadata: a merged PR's environment
   * (its targets), an open one's source environment (the canary that gates it).
   */
  app?: string;
  environment?: string;
  /** Window length such as "15m" (checked by the analysis); default the configured one. */
  window?: string;
}

export interface AnalyzeNowResult {
  verdict: Verdict;
  results: AnalysisResult[];
  /** The canary comment, for the reply in the thread. */
  url: string;
}

/**
 * `/gantry canary [--window 15m]`: one analysis ending now, posted into the PR's canary
 * comment beside the watch's report (which it leaves as it is, final or not) — it does not
 * touch `gantry/canary`, which only the watch sets. Throws UsageError when the PR is not a
 * promotion PR and no app/environment is given, ValidationError for a bad window or config.
 */
export async function analyzeNow(deps: BotDeps, request: AnalyzeNowRequest): Promise<AnalyzeNowResult> {
  const { forge } = deps;
  let { app, environment } = request;
  let targets: string[] | undefined;
  if (!app || !environment) {
    const pr = await forge.getPullRequest(request.repo, request.number);
    const metadata = parsePromotionBody(pr.body);
    if (!metadata) {
      throw new UsageError(
        'this is not a gantry promotion PR: run `/gantry canary` on one, or `gantry analyze --app APP --env ENV` from the CLI',
      );
    }
    app ??= metadata.app;
    if (!environment) {
      const gate = gatingCanary(metadata, pr.state);
      environment = gate.environment;
      targets = gate.targets;
    }
  }
  const config = await loadForgeConfig(forge, request.repo, await forge.defaultBranch(request.repo));
  if (!config) throw new UsageError(`${request.repo} has no .gantry.yml`);
  if (!targets && config.environments?.length) {
    const known = allLocations(config).some((l) => l.name === environment || l.environment === environment);
    if (!known && !request.environment) {
      throw new UsageError(
        `this PR promotes from ${environment}, not from an environment: analyse one with \`gantry analyze --app APP --env ENV\` from the CLI`,
      );
    }
    targets = resolveDestination(config, environment).locations.map((l) => l.name);
  }
  targets ??= [environment];
  const now = deps.clock.now();
  const results = await analyzeTargets(deps, config, app, targets, {
    end: now,
    ...(request.window ? { seconds: windowSeconds(request.window) } : {}),
  });
  const comment = await readComment(forge, request.repo, request.number);
  const section = renderNowSection({ results, at: now, watched: comment.state !== undefined });
  const posted = await forge.upsertComment(
    request.repo,
    request.number,
    CANARY_MARKER,
    renderCanaryComment({ ...comment, now: section }),
  );
  return { verdict: combinedVerdict(results), results, url: posted.url };
}

function windowSeconds(text: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(text);
  if (!match) throw new UsageError(`--window "${text}" is not a duration such as "15m"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}
