import { ValidationError } from '../errors.ts';
import { DEFAULT_STAGE } from './defaults.ts';
import { isImagePathComponent } from './image-ref.ts';
import { refSlug } from './slug.ts';

/** One image build: one CI job. Values are the CI inputs, checked against their constraints. */
export interface BuildJob {
  /** CI job id, unique in the pipeline: `gantry-build`, `gantry-build-api`. */
  job: string;
  /** Image name without tag (may start with a platform variable, e.g. $CI_REGISTRY_IMAGE). */
  image: string;
  context: string;
  dockerfile: string;
  target?: string;
  buildArgs: string[];
  extraTags: string[];
  cacheRepo?: string;
  cache: boolean;
  push: boolean;
  executorImage?: string;
  stage: string;
  registryUserVariable?: string;
  registryPasswordVariable?: string;
  /** Labels, KEY=VALUE, besides the OCI defaults. */
  labels?: string[];
  /** `false` leaves the default OCI labels out. */
  ociLabels?: boolean;
  /** Kaniko flags from the allowlist (kaniko-flags.ts). */
  extraArgs?: string[];
  /** Space-separated registry mirrors. */
  registryMirror?: string;
  caCertVariable?: string;
  /** Build only when files matching these globs changed (GitLab rules:changes, GitHub paths). */
  changes?: string[];
  /** Where the job came from: the index in `build.images`, or the discovered Dockerfile. */
  source: { kind: 'config'; index: number } | { kind: 'discovered'; path: string };
}

/** The `build:` section of .gantry.yml as far as jobs are concerned. */
export interface BuildSettings {
  images?: readonly {
    name: string;
    context: string;
    dockerfile: string;
    target?: string | undefined;
    buildArgs?: readonly string[] | undefined;
    extraTags?: readonly string[] | undefined;
    cacheRepo?: string | undefined;
    labels?: readonly string[] | undefined;
    changes?: readonly string[] | undefined;
  }[];
  executorImage?: string | undefined;
  ociLabels?: boolean | undefined;
  extraArgs?: readonly string[] | undefined;
  registryMirrors?: readonly string[] | undefined;
  caCertVariable?: string | undefined;
  cache?: boolean | undefined;
  push?: boolean | undefined;
  stage?: string | undefined;
  registry?: { userVariable?: string | undefined; passwordVariable?: string | undefined } | undefined;
}

const JOB_PREFIX = 'gantry-build';

/** Jobs for the images `.gantry.yml` lists, named after the last part of each image name. */
export function jobsFromConfig(build: BuildSettings): BuildJob[] {
  const images = build.images ?? [];
  const names = uniqueJobNames(images.map((image) => image.name.split('/')));
  return images.map((image, index) => ({
    ...common(build),
    job: names[index]!,
    image: image.name,
    context: image.context,
    dockerfile: image.dockerfile,
    ...(image.target !== undefined && { target: image.target }),
    buildArgs: [...(image.buildArgs ?? [])],
    extraTags: [...(image.extraTags ?? [])],
    ...(image.cacheRepo !== undefined && { cacheRepo: image.cacheRepo }),
    ...(image.labels !== undefined && image.labels.length > 0 && { labels: [...image.labels] }),
    ...(image.changes !== undefined && image.changes.length > 0 && { changes: [...image.changes] }),
    source: { kind: 'config', index },
  }));
}

/**
 * Jobs for discovered Dockerfiles: `Dockerfile` at the root builds `<prefix>`,
 * `services/api/Dockerfile` builds `<prefix>/services/api` from the context `services/api`.
 */
export function jobsFromDockerfiles(
  paths: readonly string[],
  prefix: string,
  build: BuildSettings = {},
): BuildJob[] {
  const dirs = paths.map((path) => path.split('/').slice(0, -1));
  const names = uniqueJobNames(dirs);
  return paths.map((path, i) => {
    const dir = dirs[i]!;
    const components = dir.map((segment) => imagePathComponent(segment, path));
    return {
      ...common(build),
      job: names[i]!,
      image: [prefix, ...components].join('/'),
      context: dir.length > 0 ? dir.join('/') : '.',
      dockerfile: path,
      buildArgs: [],
      extraTags: [],
      source: { kind: 'discovered', path },
    };
  });
}

function common(build: BuildSettings) {
  return {
    cache: build.cache ?? true,
    push: build.push ?? true,
    stage: build.stage ?? DEFAULT_STAGE,
    ...(build.executorImage !== undefined && { executorImage: build.executorImage }),
    ...(build.registry?.userVariable !== undefined && { registryUserVariable: build.registry.userVariable }),
    ...(build.registry?.passwordVariable !== undefined && {
      registryPasswordVariable: build.registry.passwordVariable,
    }),
    ...(build.ociLabels === false && { ociLabels: false }),
    ...(build.extraArgs !== undefined && build.extraArgs.length > 0 && { extraArgs: [...build.extraArgs] }),
    ...(build.registryMirrors !== undefined &&
      build.registryMirrors.length > 0 && { registryMirror: build.registryMirrors.join(' ') }),
    ...(build.caCertVariable !== undefined && { caCertVariable: build.caCertVariable }),
  };
}

/** A directory name as an image path component: lowercase, other characters as "-". */
function imagePathComponent(segment: string, path: string): string {
  const component = segment
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  if (!isImagePathComponent(component)) {
    throw new ValidationError(
      `${path}: directory "${segment}" cannot name an image (gives "${component}"); list the image in .gantry.yml build.images with an explicit name`,
    );
  }
  return component;
}

/**
 * `gantry-build-<last part>` per entry; entries whose last part collides use their whole path,
 * and any collision left gets a counter. The empty path (repository root) is `gantry-build`.
 */
function uniqueJobNames(parts: readonly string[][]): string[] {
  const name = (p: readonly string[]) => {
    const slug = refSlug(p.join('-')).slice(0, 80).replace(/-$/, '');
    return slug ? `${JOB_PREFIX}-${slug}` : JOB_PREFIX;
  };
  const short = parts.map((p) => name(p.slice(-1)));
  const chosen = parts.map((p, i) => (short.filter((s) => s === short[i]).length > 1 ? name(p) : short[i]!));
  const used = new Set<string>();
  return chosen.map((candidate) => {
    let name = candidate;
    for (let n = 2; used.has(name); n++) name = `${candidate}-${n}`;
    used.add(name);
    return name;
  });
}
