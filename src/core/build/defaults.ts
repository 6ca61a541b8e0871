/**
 * The Kaniko executor image gantry uses unless `build.executorImage` / the `executor-image`
 * input says otherwise.
 *
 * Google archived GoogleContainerTools/kaniko in June 2025: no fixes, no new images. Two
 * forks carry it on. chainguard-dev/kaniko (by Kaniko's original authors) bumps dependencies
 * but publishes source only; its images are for Chainguard customers, so there is nothing
 * public to pin. osscontainertools/kaniko is a community fork with regular releases (CVE and
 * bug fixes, same flags, `--no-push-cache` included) and public images on ghcr.io, with the
 * `-debug` variant that ships busybox, which the GitLab job needs for its `sh` script.
 * Pinned to a release tag so builds do not change under users; bump it deliberately.
 */
export const DEFAULT_EXECUTOR_IMAGE = 'ghcr.io/osscontainertools/kaniko:v1.28.5-debug';

/** Where the GitLab include and the GitHub Action are published; callers may point elsewhere. */
export const DEFAULT_GITLAB_PROJECT = 'gantry/gantry';
export const GITLAB_INCLUDE_FILE = '/ci-includes/kaniko.yml';
export const DEFAULT_GITHUB_ACTION = 'gantry/gantry';

/** Image name prefixes used for discovered Dockerfiles, per platform. */
export const GITLAB_IMAGE_PREFIX = '$CI_REGISTRY_IMAGE';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, evaluated by the runner
export const GITHUB_IMAGE_PREFIX = 'ghcr.io/${{ github.repository }}';

export const DEFAULT_STAGE = 'build';
export const DEFAULT_REGISTRY_USER_VARIABLE = 'CI_REGISTRY_USER';
export const DEFAULT_REGISTRY_PASSWORD_VARIABLE = 'CI_REGISTRY_PASSWORD';
