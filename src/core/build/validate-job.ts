import { GITHUB_IMAGE_PREFIX } from './defaults.ts';
import { isImagePathComponent, parseImageName } from './image-ref.ts';
import { ciInputProblem } from './inputs.ts';
import type { BuildJob } from './job-model.ts';

export type Platform = 'gitlab' | 'github';
export const PLATFORMS: readonly Platform[] = ['gitlab', 'github'];

export interface JobProblem {
  job: BuildJob;
  /** The BuildJob field, which is also the .gantry.yml field for configured images. */
  field: keyof BuildJob;
  /** The CI input the value would be passed as. */
  input: string;
  message: string;
}

/** Fields of a job and the CI input each becomes. */
const FIELDS: readonly [keyof BuildJob, string][] = [
  ['job', 'job'],
  ['context', 'context'],
  ['dockerfile', 'dockerfile'],
  ['buildArgs', 'build-args'],
  ['target', 'target'],
  ['cacheRepo', 'cache-repo'],
  ['executorImage', 'executor-image'],
  ['stage', 'stage'],
  ['registryUserVariable', 'registry-user-variable'],
  ['registryPasswordVariable', 'registry-password-variable'],
  ['labels', 'labels'],
  ['extraArgs', 'extra-args'],
  ['registryMirror', 'registry-mirror'],
  ['caCertVariable', 'ca-cert-variable'],
];

/** A path glob for rules:changes / paths: no spaces, quotes or shell characters. */
const CHANGES_GLOB = /^[A-Za-z0-9._@+*?{},/![\]-]+$/;

/**
 * Every value of a job that its CI input would refuse. Checked before anything is written, so
 * a value GitLab or the Action would reject at pipeline time is reported at render time.
 */
export function jobProblems(job: BuildJob, platform: Platform): JobProblem[] {
  const problems: JobProblem[] = [];
  const add = (field: keyof BuildJob, input: string, message: string) =>
    problems.push({ job, field, input, message });
  for (const [field, input] of FIELDS) {
    const value = job[field];
    if (value === undefined) continue;
    const problem = ciInputProblem(input, value);
    if (problem) add(field, input, problem);
  }
  const extra = ciInputProblem('extra-tags', job.extraTags.join(' '));
  if (extra || job.extraTags.some((t) => t === ''))
    add('extraTags', 'extra-tags', extra ?? 'contains an empty tag');
  const image = imageProblem(job.image, platform);
  if (image) add('image', 'image', image);
  const glob = job.changes?.find((g) => !CHANGES_GLOB.test(g) || g.split('/').includes('..'));
  if (glob !== undefined) {
    add(
      'changes',
      platform === 'gitlab' ? 'rules' : 'paths',
      `${JSON.stringify(glob)} is not a path glob such as services/api/**/*`,
    );
  }
  if (platform === 'github') {
    // GitLab expands $VARIABLES in these inputs; a workflow's `with:` passes them verbatim.
    for (const [field, input] of [
      ['context', 'context'],
      ['cacheRepo', 'cache-repo'],
      ['executorImage', 'executor-image'],
    ] as const) {
      const value = job[field];
      if (value?.includes('$'))
        add(field, input, `"${value}" holds a $VARIABLE, which GitHub does not expand`);
    }
  }
  return problems;
}

function imageProblem(image: string, platform: Platform): string | undefined {
  if (platform === 'github' && image.startsWith(`${GITHUB_IMAGE_PREFIX}`)) {
    const rest = image.slice(GITHUB_IMAGE_PREFIX.length);
    const bad =
      rest === ''
        ? undefined
        : rest
            .split('/')
            .slice(1)
            .find((c) => !isImagePathComponent(c));
    return rest !== '' && !rest.startsWith('/')
      ? `"${image}" must continue with "/" after ${GITHUB_IMAGE_PREFIX}`
      : bad === undefined
        ? undefined
        : `"${bad}" in "${image}" is not a valid image path component`;
  }
  if (platform === 'gitlab') return ciInputProblem('image', image);
  try {
    parseImageName(image);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
