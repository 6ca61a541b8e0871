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
 * Pinned by digest (a tag can be pushed again; a digest cannot), with the release tag kept
 * beside it for people. The digest is the v1.28.5-debug index published on ghcr.io, as
 * recorded by public projects that pulled it; bump both together, deliberately.
 */
export const DEFAULT_EXECUTOR_TAG = 'v1.28.5-debug';
export const DEFAULT_EXECUTOR_DIGEST =
  'sha256:d6d74217dc077acfd3094992e917c357080a2d3fdd1042a49e34e29a7e57c572';
export const DEFAULT_EXECUTOR_IMAGE = `ghcr.io/osscontainertools/kaniko@${DEFAULT_EXECUTOR_DIGEST}`;

/**
 * Where gantry is published on GitLab: the canonical coordinates every default and every doc
 * snippet names. The project's own .gitlab-ci.yml creates, for a tag `v1.2.3`, the catalog
 * release `1.2.3` (the CI/CD Catalog takes semantic versions without "v"), so
 * `gitlab.com/gantry-dev/gantry/kaniko@1.2.3` and `project: gantry-dev/gantry, ref: v1.2.3`
 * both resolve. Self-managed GitLab users mirror the project and pass their own coordinates.
 */
export const GITLAB_SERVER = 'gitlab.com';
export const GITLAB_PROJECT_PATH = 'gantry-dev/gantry';
export const COMPONENT_NAME = 'kaniko';
export const GITLAB_COMPONENT = `${GITLAB_SERVER}/${GITLAB_PROJECT_PATH}/${COMPONENT_NAME}`;
export const DEFAULT_GITLAB_PROJECT = GITLAB_PROJECT_PATH;
export const GITLAB_INCLUDE_FILE = '/ci-includes/kaniko.yml';
/** Where the Action is published; callers may point elsewhere. */
export const DEFAULT_GITHUB_ACTION = 'gantry/gantry';

/** Image name prefixes used for discovered Dockerfiles, per platform. */
export const GITLAB_IMAGE_PREFIX = '$CI_REGISTRY_IMAGE';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, evaluated by the runner
export const GITHUB_IMAGE_PREFIX = 'ghcr.io/${{ github.repository }}';

export const DEFAULT_STAGE = 'build';
export const DEFAULT_REGISTRY_USER_VARIABLE = 'CI_REGISTRY_USER';
export const DEFAULT_REGISTRY_PASSWORD_VARIABLE = 'CI_REGISTRY_PASSWORD';
