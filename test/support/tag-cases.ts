import type { BuildEvent } from '../../src/core/build/tags.ts';

/**
 * The tag scheme as a table. The TypeScript implementation (src/core/build/tags.ts) and the
 * GitLab job script (POSIX sh, ci-src/partials/kaniko-build.sh.hbs) are both tested
 * against it, so the Action and the GitLab include tag the same event the same way.
 */
export interface TagCase {
  name: string;
  event: BuildEvent;
  extraTags?: string[];
  push?: boolean;
  tags: string[];
  pushed: boolean;
}

export const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
const tag = (t: string) => ({ kind: 'tag', tag: t, sha: SHA }) as const;
const branch = (b: string, defaultBranch = 'main') =>
  ({ kind: 'branch', branch: b, sha: SHA, defaultBranch }) as const;
const mr = (b: string) => ({ kind: 'merge-request', sourceBranch: b, sha: SHA }) as const;

export const TAG_CASES: readonly TagCase[] = [
  { name: 'release tag', event: tag('v1.2.3'), tags: ['1.2.3', '1.2', '1', 'latest'], pushed: true },
  { name: 'release tag without v', event: tag('1.2.3'), tags: ['1.2.3', '1.2', '1', 'latest'], pushed: true },
  {
    name: 'v0 release: no major alias',
    event: tag('v0.4.1'),
    tags: ['0.4.1', '0.4', 'latest'],
    pushed: true,
  },
  { name: 'pre-release: only its own tag', event: tag('v1.3.0-rc.1'), tags: ['1.3.0-rc.1'], pushed: true },
  {
    name: 'build metadata: "+" becomes "_"',
    event: tag('v2.0.0+build.5'),
    tags: ['2.0.0_build.5'],
    pushed: true,
  },
  {
    name: 'pre-release with metadata',
    event: tag('v1.2.3-beta.2+exp.sha.5114f85'),
    tags: ['1.2.3-beta.2_exp.sha.5114f85'],
    pushed: true,
  },
  { name: 'two-part version is not semver', event: tag('v1.2'), tags: ['v1-2'], pushed: true },
  { name: 'leading zero is not semver', event: tag('v01.2.3'), tags: ['v01-2-3'], pushed: true },
  { name: 'capital V is not semver', event: tag('V1.2.3'), tags: ['v1-2-3'], pushed: true },
  { name: 'other tag: its slug', event: tag('nightly'), tags: ['nightly'], pushed: true },
  {
    name: 'release with extra tags (deduplicated)',
    event: tag('v1.2.3'),
    extraTags: ['stable', 'latest'],
    tags: ['1.2.3', '1.2', '1', 'latest', 'stable'],
    pushed: true,
  },
  {
    name: 'push disabled',
    event: tag('v1.2.3'),
    push: false,
    tags: ['1.2.3', '1.2', '1', 'latest'],
    pushed: false,
  },
  { name: 'default branch', event: branch('main'), tags: ['sha-abcdef01', 'main'], pushed: true },
  {
    name: 'default branch with extra tags',
    event: branch('main'),
    extraTags: ['edge'],
    tags: ['sha-abcdef01', 'main', 'edge'],
    pushed: true,
  },
  {
    name: 'other branch: slug and short sha, no extra tags',
    event: branch('feature/Login-Page'),
    extraTags: ['edge'],
    tags: ['feature-login-page-abcdef01'],
    pushed: true,
  },
  {
    name: 'merge request: never pushed',
    event: mr('feature/x'),
    tags: ['feature-x-abcdef01'],
    pushed: false,
  },
  {
    name: 'merge request ignores extra tags',
    event: mr('fix'),
    extraTags: ['edge'],
    tags: ['fix-abcdef01'],
    pushed: false,
  },
  // Hostile names: each must only ever be data.
  { name: 'tag with ";"', event: tag('v1.0.0;id'), tags: ['v1-0-0-id'], pushed: true },
  { name: 'tag with $(…)', event: tag('$(touch pwned-tag)'), tags: ['touch-pwned-tag'], pushed: true },
  {
    name: 'tag with backticks',
    event: tag('`touch pwned-backtick`'),
    tags: ['touch-pwned-backtick'],
    pushed: true,
  },
  { name: 'branch with spaces', event: branch('feat x y'), tags: ['feat-x-y-abcdef01'], pushed: true },
  {
    name: 'branch with quotes',
    event: branch(`it's "quoted"`),
    tags: ['it-s-quoted-abcdef01'],
    pushed: true,
  },
  {
    name: 'branch with a newline',
    event: branch('a\nb; touch pwned-newline'),
    tags: ['a-b-touch-pwned-newline-abcdef01'],
    pushed: true,
  },
  {
    name: 'branch with unicode (bytes, like tr)',
    event: branch('fix-ü'),
    tags: ['fix-abcdef01'],
    pushed: true,
  },
  { name: 'branch of only unicode', event: branch('ünïcödé'), tags: ['n-c-d-abcdef01'], pushed: true },
  { name: 'branch "..": empty slug', event: branch('..'), tags: ['sha-abcdef01'], pushed: true },
  {
    name: 'default branch with an empty slug',
    event: branch('..', '..'),
    tags: ['sha-abcdef01'],
    pushed: true,
  },
  {
    name: 'long branch: slug cut to 63',
    event: branch('a'.repeat(100)),
    tags: [`${'a'.repeat(63)}-abcdef01`],
    pushed: true,
  },
  {
    name: 'slug cut ends in "-": trimmed',
    event: branch(`${'a'.repeat(62)}/b`),
    tags: [`${'a'.repeat(62)}-abcdef01`],
    pushed: true,
  },
  {
    name: 'merge request from a hostile branch',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion that must stay text
    event: mr('$(touch pwned-mr) `id` ${HOME}'),
    tags: ['touch-pwned-mr-id-home-abcdef01'],
    pushed: false,
  },
  {
    name: 'pre-release too long for a tag: slug instead',
    event: tag(`v1.0.0-${'a'.repeat(130)}`),
    tags: [`v1-0-0-${'a'.repeat(56)}`],
    pushed: true,
  },
  { name: 'tag with trailing newline is not semver', event: tag('v1.0.0\n'), tags: ['v1-0-0'], pushed: true },
  { name: 'tag with glob characters', event: tag('v*.[0-9]?'), tags: ['v-0-9'], pushed: true },
  {
    name: 'sha256 repository',
    event: { kind: 'branch', branch: 'main', sha: 'f'.repeat(64), defaultBranch: 'main' },
    tags: ['sha-ffffffff', 'main'],
    pushed: true,
  },
];

/**
 * Input values and whether they are accepted, for every input that takes free text. Each is
 * checked against the TypeScript constraint (`ciInputProblem`, used by `gantry ci render` and
 * the Action), the component's `spec:inputs` regex (what GitLab enforces), and, where the
 * job script checks the value again after GitLab expanded it, the script.
 * `gitlabOnly`: accepted by GitLab (a $VARIABLE it expands) but refused by the Action,
 * where nothing expands it.
 */
export interface InputCase {
  input: string;
  value: string | string[];
  ok: boolean;
  gitlabOnly?: true;
}

const bad = (input: string, value: string | string[]): InputCase => ({ input, value, ok: false });
const good = (input: string, value: string | string[]): InputCase => ({ input, value, ok: true });
const viaVariable = (input: string, value: string): InputCase => ({
  input,
  value,
  ok: true,
  gitlabOnly: true,
});

export const INPUT_CASES: readonly InputCase[] = [
  good('image', 'registry.example.com/shop/api'),
  viaVariable('image', '$CI_REGISTRY_IMAGE/api'),
  viaVariable('image', '$HARBOR/shop/api'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitLab variable reference
  viaVariable('image', '${HARBOR}/shop/api'),
  viaVariable('image', 'registry.example.com/$TEAM/api'),
  bad('image', '$(touch pwned)/api'),
  bad('image', '$HARBOR;id/api'),
  bad('image', '`id`/api'),
  bad('image', '$HARBOR/shop/api:1.0'),
  bad('image', '$HARBOR x/api'),
  bad('image', '${HARBOR'),
  bad('image', '$1/api'),
  bad('image', 'registry.example.com/shop/api"\nx: y'),
  good('cache-repo', ''),
  viaVariable('cache-repo', '$HARBOR/cache/api'),
  bad('cache-repo', '$HARBOR/cache/api:latest'),
  bad('cache-repo', '$(id)'),
  good('executor-image', 'ghcr.io/osscontainertools/kaniko:v1.28.5-debug'),
  good('executor-image', `ghcr.io/osscontainertools/kaniko@sha256:${'a'.repeat(64)}`),
  viaVariable(
    'executor-image',
    '$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/osscontainertools/kaniko:v1.28.5-debug',
  ),
  bad('executor-image', '$PREFIX/kaniko:$TAG'),
  bad('executor-image', 'ghcr.io/osscontainertools/kaniko:v1 ; id'),
  good('context', 'services/api'),
  viaVariable('context', '$SERVICE_DIR'),
  viaVariable('context', 'services/$SERVICE'),
  bad('context', '../outside'),
  bad('context', '$SERVICE/../..'),
  bad('context', '/etc'),
  bad('context', '$(touch pwned)'),
  bad('context', 'a b'),
  good('labels', ['team=shop', 'org.opencontainers.image.url=https://shop.example.com', 'empty=']),
  good('labels', [`quote=it's "quoted" $(id) \`id\``]),
  bad('labels', ['no-equals']),
  bad('labels', ['=value']),
  bad('labels', ['key with space=x']),
  bad('labels', ['k=line\nbreak']),
  good('extra-args', ['--snapshot-mode=redo', '--single-snapshot', '--cache-ttl=6h30m', '--verbosity=debug']),
  good('extra-args', ['--insecure-registry=registry.local:5000', '--custom-platform=linux/arm64/v8']),
  good('extra-args', ['--compressed-caching=false', '--push-retry=3', '--ignore-path=/var/cache']),
  bad('extra-args', ['--destination=evil.example.com/x:1']),
  bad('extra-args', ['--no-push=false']),
  bad('extra-args', ['--build-arg=A=1']),
  bad('extra-args', ['--snapshot-mode=fast']),
  bad('extra-args', ['--snapshot-mode', 'redo']),
  bad('extra-args', ['--single-snapshot=yes']),
  bad('extra-args', ['--cache-ttl=1d']),
  bad('extra-args', ['--push-retry=$(id)']),
  bad('extra-args', ['--ignore-path=relative']),
  bad('extra-args', ['--insecure-registry=evil.example.com/$(id)']),
  bad('extra-args', ['-v']),
  bad('extra-args', ['--verbosity=debug --destination=x']),
  good('registry-mirror', ''),
  good('registry-mirror', 'mirror.gcr.io'),
  good('registry-mirror', 'mirror.gcr.io registry.example.com:5000/dockerhub'),
  bad('registry-mirror', 'https://mirror.gcr.io'),
  bad('registry-mirror', 'mirror.gcr.io  two-spaces.example.com'),
  bad('registry-mirror', 'mirror.gcr.io;id'),
  bad('registry-mirror', '$MIRROR'),
  good('ca-cert-variable', 'ADDITIONAL_CA_CERT_BUNDLE'),
  good('ca-cert-variable', 'MY_CA'),
  bad('ca-cert-variable', 'MY-CA'),
  bad('ca-cert-variable', '$(cat /etc/passwd)'),
  bad('ca-cert-variable', 'CA}${CI_JOB_TOKEN'),
];
