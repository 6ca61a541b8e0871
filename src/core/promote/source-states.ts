import { expandPath } from '../config/paths.ts';
import type { AppConfig, Artifact } from '../config/schema.ts';
import { RefusedError, ValidationError } from '../errors.ts';
import { primaryVersion } from './app-plan.ts';
import { type ArtifactState, describeState, formatVersion, sameState } from './artifact-state.ts';
import type { Location } from './environments.ts';
import { fileKey, showKey } from './file-key.ts';
import { type BaseFile, baseFiles, forEntry, readArtifact } from './updaters/index.ts';
import { compareVersions, type HistoryInput } from './version-order.ts';

export type ReadStates = (location: Location) => ArtifactState[];

/** What a destination location copies: the chosen source and its artifact states. */
export interface ChosenSource {
  name: string;
  environment: string;
  states: (ArtifactState | undefined)[];
}

/** The states of every artifact of an app at a location, each location read once. */
export function memoStates(
  name: string,
  app: AppConfig,
  files: ReadonlyMap<string, string | null>,
): ReadStates {
  const cache = new Map<string, ArtifactState[]>();
  return (location) => {
    const id = fileKey(location.repo, location.name);
    let states = cache.get(id);
    if (!states) {
      states = app.artifacts.map((a, i) => {
        const values = { env: location.name, app: name };
        return forEntry(`apps.${name}.artifacts[${i}] in ${location.name}, the source`, () =>
          readState(
            a,
            fileKey(location.repo, expandPath(a.path, values)),
            files,
            baseFiles(a, values, files, location.repo),
          ),
        );
      });
      cache.set(id, states);
    }
    return states;
  };
}

/**
 * The source a destination copies from. Each group (one per source environment) must agree
 * within itself. Between groups (fan-in): `all` needs them to agree too; `any` takes the
 * newest version (semver, else the order of the source history; unknown: the first group).
 */
export function chooseSource(
  name: string,
  app: AppConfig,
  groups: Location[][],
  read: ReadStates,
  rule: 'any' | 'all',
  history: HistoryInput | undefined,
): ChosenSource {
  if (groups.length === 0)
    throw new ValidationError(`${name}: lives in none of the environments it would be promoted from`);
  const picks = groups.map((group) => agreeing(name, app, group, read));
  if (rule === 'all') {
    const differs = picks.findIndex((p) => p.states.some((s, i) => !sameState(s!, picks[0]!.states[i]!)));
    if (differs > 0) {
      throw new RefusedError(
        `${name}: "from: all" needs the sources to agree, but ${show(picks[0]!)} and ${show(picks[differs]!)}`,
      );
    }
    return picks[0]!;
  }
  let best = picks[0]!;
  for (const pick of picks.slice(1)) {
    const a = primaryVersion(pick.states);
    const b = primaryVersion(best.states);
    if (a && b && (compareVersions(a, b, history) ?? 0) > 0) best = pick;
  }
  return best;
}

/** The source location to copy from; several candidates must hold the same states. */
function agreeing(name: string, app: AppConfig, candidates: Location[], read: ReadStates): ChosenSource {
  const states = candidates.map(read);
  const differs = states.findIndex((s) => s.some((state, i) => !sameState(state, states[0]![i]!)));
  if (differs > 0) {
    // Name the file and the config entry that differ: a file-only artifact has no version to show.
    const artifact = states[differs]!.findIndex((state, i) => !sameState(state, states[0]![i]!));
    const at = (i: number) =>
      `${showKey(fileKey(candidates[i]!.repo, expandPath(app.artifacts[artifact]!.path, { env: candidates[i]!.name, app: name })))} has ${describeState(states[i]![artifact]!)}`;
    throw new RefusedError(
      `${name}: the source targets disagree on apps.${name}.artifacts[${artifact}]: ${at(0)}, ${at(differs)}; promote from one of them with --from ${candidates[0]!.name}`,
    );
  }
  return { name: candidates[0]!.name, environment: candidates[0]!.environment, states: states[0]! };
}

function show(pick: ChosenSource): string {
  return `${pick.name} has ${formatVersion(primaryVersion(pick.states))}`;
}

function readState(
  artifact: Artifact,
  key: string,
  files: ReadonlyMap<string, string | null>,
  bases: BaseFile[],
): ArtifactState {
  const content = files.get(key);
  if (content === undefined || content === null)
    throw new ValidationError(`${showKey(key)}: file not found in the source environment`);
  return readArtifact(artifact, showKey(key), content, bases);
}
