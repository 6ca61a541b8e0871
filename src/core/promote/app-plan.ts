import { expandPath } from '../config/paths.ts';
import type { AppConfig } from '../config/schema.ts';
import { RefusedError, ValidationError } from '../errors.ts';
import { type ArtifactState, filesHash, formatVersion, type Version } from './artifact-state.ts';
import { promotionBranch } from './branch-name.ts';
import type { Location } from './environments.ts';
import { fileKey, showKey } from './file-key.ts';
import type { AppPromotion, FileUpdate, PlanInputs } from './plan.ts';
import { type PromotionMetadata, renderPromotionBody } from './pr-body.ts';
import { baseFiles, forEntry, updateArtifact } from './updaters/index.ts';
import { judgeMove, skippedVersions } from './version-order.ts';

export interface AppChange {
  verb: 'Promote' | 'Release' | 'Rollback';
  name: string;
  app: AppConfig;
  /** The destination environment, and what was asked for (`prod` or `prod/eu-west`). */
  environment: string;
  destination: string;
  /** Where the versions come from, for the PR text: an environment, a target or a git tag. */
  source: string;
  locations: Location[];
  /** Per destination location: the state each artifact should hold (undefined: leave it). */
  sourceFor(location: Location): { name: string; states: (ArtifactState | undefined)[] };
  inputs: PlanInputs;
  allowDowngrade: boolean;
  /** Proceed (with a note) when the order of two versions cannot be known. */
  allowUnordered?: boolean;
  notes: string[];
  /** A rollback: the PR whose merge it undoes (kept in the metadata). */
  rollbackOf?: { number: number; url?: string };
  /** The repository holding .gantry.yml, when the PR goes to another one. */
  home?: string;
}

/**
 * One app's PR: the new content of every destination file, what each target moves from and
 * to, and the PR text. Undefined when every destination already holds the source states.
 */
export function planAppChange(change: AppChange): AppPromotion | undefined {
  const { name, app, inputs } = change;
  const history = inputs.history?.get(name) ?? [];
  const working = new Map<string, FileUpdate>();
  const targets: PromotionMetadata['targets'] = [];
  const notes: string[] = [];
  for (const location of change.locations) {
    const source = change.sourceFor(location);
    let changed = false;
    let from: Version | undefined;
    const before: Array<{ template: string; content: string } | null> = [];
    const after: Array<{ template: string; content: string }> = [];
    app.artifacts.forEach((artifact, i) => {
      const state = source.states[i];
      if (state === undefined) return;
      const path = expandPath(artifact.path, { env: location.name, app: name });
      const key = fileKey(location.repo, path);
      const current = working.get(key)?.after ?? inputs.files.get(key) ?? null;
      if (current === null && artifact.kind !== 'file') {
        throw new ValidationError(
          `${showKey(key)}: file not found (apps.${name}.artifacts[${i}] in ${location.name})`,
        );
      }
      const bases = baseFiles(artifact, { env: location.name, app: name }, inputs.files, location.repo);
      const written = forEntry(`apps.${name}.artifacts[${i}] in ${location.name}`, () =>
        updateArtifact(artifact, showKey(key), current ?? '', state, bases),
      );
      before.push(current === null ? null : { template: artifact.path, content: current });
      after.push({ template: artifact.path, content: written.content });
      if (from === undefined && written.previous?.kind === 'version') from = written.previous.version;
      if (written.content === current) return;
      changed = true;
      working.set(key, {
        path,
        ...(location.repo ? { repo: location.repo } : {}),
        before: working.get(key)?.before ?? current,
        after: written.content,
      });
    });
    if (!changed) continue;
    const to = primaryVersion(source.states) ?? {};
    const move = from && (to.tag || to.digest) ? judgeMove(location.name, from, to, history) : undefined;
    if (move && change.verb !== 'Rollback') checkMove(change, location.name, from!, to, move, notes);
    // A file-only app has no version: its PR row shows the hashes `gantry status` shows.
    const files = isFileOnly(app)
      ? {
          files: {
            ...(before.every((b) => b !== null) ? { from: filesHash(before as typeof after) } : {}),
            to: filesHash(after),
          },
        }
      : {};
    targets.push({
      target: location.name,
      ...(from ? { from } : {}),
      to,
      ...files,
      skipped: move?.kind === 'forward' ? skippedVersions(from, to, history) : [],
    });
  }
  if (targets.length === 0) return undefined;
  notes.push(...change.notes);
  const metadata: PromotionMetadata = {
    version: 1,
    ...(change.verb === 'Rollback' ? { kind: 'rollback' as const } : {}),
    app: name,
    environment: change.environment,
    source: change.source,
    targets,
    ...(inputs.lineage?.get(name) ? { lineage: inputs.lineage.get(name)! } : {}),
    ...(change.rollbackOf ? { rollback: { of: change.rollbackOf.number } } : {}),
    ...(change.home ? { home: change.home } : {}),
  };
  const updates = [...working.values()];
  const repo = app.source;
  const compare =
    repo && inputs.compareUrl ? (a: string, b: string) => inputs.compareUrl!(repo, a, b) : undefined;
  return {
    app: name,
    branch: promotionBranch(change.destination, name),
    title: title(change.verb, name, change.destination, targets),
    body: renderPromotionBody({
      metadata,
      ...(compare ? { compare } : {}),
      files: updates.map((u) => u.path),
      notes,
    }),
    metadata,
    updates,
    notes,
  };
}

/** An app of `file` artifacts only (a verbatim settings.yml): it moves only when named. */
export function isFileOnly(app: AppConfig): boolean {
  return app.artifacts.every((a) => a.kind === 'file');
}

/** Refuses a move back or a move of unknown order unless the change allows it (a rollback always may). */
function checkMove(
  change: AppChange,
  location: string,
  from: Version,
  to: Version,
  move: ReturnType<typeof judgeMove>,
  notes: string[],
): void {
  const what = `${change.name}: ${location} would move from ${formatVersion(from)} to ${formatVersion(to)}`;
  if (move.kind === 'older' && !change.allowDowngrade)
    throw new RefusedError(`${what}, an older version (${move.why})`, 'downgrade');
  if (move.kind === 'unordered') {
    if (!change.allowUnordered)
      throw new RefusedError(`${what}, and their order cannot be known: ${move.why}`, 'unordered');
    notes.push(
      `${location}: moved from ${formatVersion(from)} to ${formatVersion(to)} without a known order (${move.why}).`,
    );
  }
}

export function primaryVersion(states: readonly (ArtifactState | undefined)[]): Version | undefined {
  const found = states.find((s) => s?.kind === 'version');
  return found?.kind === 'version' ? found.version : undefined;
}

function title(
  verb: AppChange['verb'],
  app: string,
  to: string,
  targets: PromotionMetadata['targets'],
): string {
  const froms = new Set(targets.map((t) => formatVersion(t.from)));
  const tos = new Set(targets.map((t) => formatVersion(t.to)));
  const toText = [...tos].join(', ');
  const lead = verb === 'Rollback' ? `Roll back ${app} in ${to}` : `${verb} ${app} to ${to}`;
  if (tos.size === 1 && toText === '—') return `${lead} (files)`;
  if (froms.size === 1 && tos.size === 1) return `${lead}: ${[...froms][0]} → ${toText}`;
  return `${lead}: ${toText}`;
}
