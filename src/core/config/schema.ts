import * as z from 'zod';
import { executorImageProblem } from '../build/executor-image.ts';
import { IMAGE_NAME_PATTERN, TAG_PATTERN } from '../build/image-ref.ts';
import {
  BUILD_ARG_PATTERN,
  CI_IMAGE_NAME_PATTERN,
  CI_INPUTS,
  MIRROR_PATTERN,
  REPO_PATH_PATTERN,
  STAGE_PATTERN,
  VARIABLE_NAME_PATTERN,
} from '../build/inputs.ts';
import { extraArgProblem } from '../build/kaniko-flags.ts';
import { LABEL_PATTERN } from '../build/labels.ts';
import { parseKeyPath } from '../yaml-edit/key-path.ts';
import { parseFreezeWindow } from './freeze.ts';
import { strictObject } from './strict.ts';

/** Names that end up in branch names, paths and commands: lowercase DNS-label style. */
const name = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'expected a lowercase name of letters, digits and "-" (max 63)',
  );

const duration = z
  .string()
  .regex(/^[1-9][0-9]*(s|m|h|d)$/, 'expected a duration such as "30s", "15m", "2h" or "1d"')
  .describe('Duration: a positive integer followed by s, m, h or d.');

const repo = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/,
    'expected a repository path such as "shop/gitops" (GitLab subgroups allowed: "org/team/gitops")',
  )
  .refine(
    (value) => !value.split('/').some((s) => s === '.' || s === '..'),
    'expected a repository path without "." or ".." segments',
  );

/** Image name without tag or digest, per the OCI distribution reference grammar (lowercase path). */
export const imageName = z
  .string()
  .regex(
    new RegExp(`^${IMAGE_NAME_PATTERN}$`),
    'expected an image name without tag, such as "registry.example.com/shop/web"',
  );

const repoPath = z.string().min(1).describe('A path relative to the repository root; no "..", not absolute.');
const envPath = repoPath.describe(
  'A path relative to the repository root that contains {env} (replaced by the environment or target name); no "..", not absolute.',
);

const keyPath = z
  .string()
  .superRefine((value, ctx) => {
    const parsed = parseKeyPath(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .describe('Key path: image.tag, containers[0].image, containers[name=web].image, annotations["a.b/c"].');

const inBlock = keyPath.describe(
  "Key path of a literal block scalar (|) that holds YAML, such as an Argo CD Application's spec.source.helm.values; `key` is looked up inside it and edited in place.",
);
const documentSelector = z
  .record(keyPath, z.string())
  .refine((value) => Object.keys(value).length > 0, 'expected at least one key path: value')
  .describe(
    'In a multi-document file, only the documents whose scalars at these key paths have these values, e.g. {kind: Application, metadata.name: web}.',
  );
const basePath = repoPath.describe(
  "A values file of lower precedence ({env} and {app} allowed, not required), such as the chart's shared values.yaml.",
);

const artifact = z.discriminatedUnion('kind', [
  strictObject({
    kind: z
      .literal('kustomize-image')
      .describe('The images[] entry of a kustomization.yaml: newTag and/or digest.'),
    path: envPath,
    image: imageName.describe('The images[].name the entry is found by.'),
  }),
  strictObject({
    kind: z.literal('helm-value').describe('A scalar at a key path in a values file.'),
    path: envPath,
    key: keyPath,
    in: inBlock.optional(),
    document: documentSelector.optional(),
    base: z
      .union([basePath, z.array(basePath).min(1, 'expected at least one base file')])
      .optional()
      .describe(
        'Layered values: base file(s), lowest precedence first. A key absent from `path` is inherited from the last base that has it; a promotion that changes it adds it to `path`.',
      ),
  }),
  strictObject({
    kind: z
      .literal('image-ref')
      .describe('A full image reference repo:tag@digest at a key path (Deployment, Argo CD Application).'),
    path: envPath,
    key: keyPath.describe(
      'Key path of the reference; or of a list of "repo:tag" strings (Argo CD spec.source.kustomize.images), whose item that references `image` is edited.',
    ),
    image: imageName.describe('The repository part the reference must have; only tag and digest change.'),
    in: inBlock.optional(),
    document: documentSelector.optional(),
  }),
  strictObject({
    kind: z.literal('file').describe('A file promoted verbatim from the source environment.'),
    path: envPath,
  }),
]);

/** A target's name: the value of `{env}` in artifact paths. */
const targetName = z
  .string()
  .regex(
    /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/,
    'expected a target such as "prod/eu-west" or "prod-eu"',
  );

const app = strictObject({
  source: repo
    .optional()
    .describe(
      'The application repository: the only one whose tags the bot releases into this app (required for bot releases), and the target of compare links.',
    ),
  artifacts: z.array(artifact).min(1, 'expected at least one artifact'),
  dependsOn: z.array(name).optional().describe('Apps promoted before this one.'),
  environments: z
    .array(targetName)
    .min(1)
    .optional()
    .describe(
      'Where this app lives: environments (all their targets) or single targets; elsewhere it is absent. Default: everywhere.',
    ),
  targets: z
    .record(name, z.array(targetName).min(1))
    .optional()
    .describe(
      "This app's own targets in an environment, replacing the environment's: { prod: [prod] } for one prod file beside apps with prod-eu and prod-us.",
    ),
  with: z
    .array(name)
    .optional()
    .describe(
      'Apps promoted along with this one, e.g. an app of `file` artifacts only (its settings), which never moves unless named.',
    ),
});

const accessLevel = z.enum(['guest', 'reporter', 'developer', 'maintainer', 'owner']);

const approvers = strictObject({
  github: z
    .array(
      z
        .string()
        .regex(
          /^@?[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9_.-]+)?$/,
          'expected a GitHub user "login" or team "@org/team"',
        ),
    )
    .optional()
    .describe('GitHub users ("login") and teams ("@org/team") who may act on this environment.'),
  gitlab: strictObject({
    users: z.array(z.string().min(1)).optional(),
    minAccessLevel: accessLevel.optional(),
  })
    .optional()
    .describe('GitLab users and/or a minimum access level on the GitOps project.'),
});

const freezeWindow = z.string().superRefine((value, ctx) => {
  const parsed = parseFreezeWindow(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const environmentCanary = z.union([
  z.boolean(),
  strictObject({
    window: duration.optional(),
    step: duration.optional(),
    rollback: z.enum(['auto', 'manual']).optional(),
  }),
]);

const target = z.union([
  targetName,
  strictObject({
    name: targetName,
    from: targetName
      .optional()
      .describe(
        'The source target or environment this one copies from (default: its twin by region, e.g. staging-eu → prod-eu).',
      ),
    repo: repo.optional().describe("This target's repository (default: the environment's)."),
  }),
]);

const environment = strictObject({
  name,
  after: z
    .union([name, z.array(name).min(1)])
    .optional()
    .describe(
      'The environment(s) promoted from; defaults to none (a first environment). Several: fan-in (see "from").',
    ),
  from: z
    .enum(['any', 'all'])
    .optional()
    .describe(
      'With several "after": take the newest version of any of them (any, the default) or require all of them to agree (all).',
    ),
  auto: z
    .boolean()
    .default(false)
    .describe('Open the promotion PR as soon as the previous one is merged and healthy.'),
  repo: repo
    .optional()
    .describe(
      'The repository this environment lives in (default: the one holding .gantry.yml). That repository opts in with a .gantry.yml that extends this one.',
    ),
  via: z
    .enum(['pr', 'auto-merge', 'commit'])
    .optional()
    .describe(
      'How a promotion lands: a PR for a human (pr, the default), a PR the forge merges once required checks pass (auto-merge), or a commit on the default branch (commit).',
    ),
  targets: z
    .array(target)
    .min(1)
    .optional()
    .describe(
      'Fan-out: {env} takes each target in turn, e.g. prod/eu-west and prod/us-east, or { name: prod-eu, from: staging-eu }.',
    ),
  approvers: approvers.optional(),
  freeze: z
    .array(freezeWindow)
    .optional()
    .describe(
      'Windows without promotions: "Fri 16:00 - Mon 08:00 Europe/Berlin" or "2026-12-20 00:00 - 2027-01-04 08:00 UTC".',
    ),
  canary: environmentCanary
    .optional()
    .describe('Run the canary analysis after a promotion into this environment.'),
});

const labelMatchers = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a Prometheus label name'), z.string())
  .refine((matchers) => Object.keys(matchers).length > 0, 'expected at least one label matcher')
  .describe('Label name → exact value. Values may use {app} and {env}; gantry escapes them.');

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

const datasourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected an http(s) URL or a datasource name')
  .describe(
    'A Prometheus datasource the bot declares: "default" (PROMETHEUS_URL) or <name> (GANTRY_PROMETHEUS_<NAME>_URL).',
  );

const prometheus = z.union([
  httpUrl,
  datasourceName,
  strictObject({
    url: httpUrl,
    auth: z
      .discriminatedUnion('type', [
        strictObject({ type: z.literal('bearer'), tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) }),
        strictObject({
          type: z.literal('basic'),
          usernameEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
          passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/),
        }),
      ])
      .optional()
      .describe('Credentials come from environment variables named here, never from the file.'),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name'),
        z.string().regex(/^[ -~]*$/, 'expected a header value of printable ASCII characters'),
      )
      .optional()
      .describe('Extra headers, e.g. X-Scope-OrgID for Mimir, Cortex or Thanos.'),
    timeout: duration.optional(),
  }),
]);

const metric = strictObject({
  name,
  query: z
    .string()
    .min(1)
    .optional()
    .describe(
      'PromQL; write SELECTOR inside braces where the canary or baseline matchers go: rate(x{code="500",SELECTOR}[1m]).',
    ),
  ratio: strictObject({
    numerator: z
      .string()
      .min(1)
      .describe('Count of the bad events per step, e.g. sum(increase(errors_total{SELECTOR}[1m])).'),
    denominator: z
      .string()
      .min(1)
      .describe('Count of all events per step, e.g. sum(increase(requests_total{SELECTOR}[1m])).'),
    minTraffic: z
      .number()
      .min(0)
      .default(100)
      .describe('Fewer denominator events than this on either side over the window → inconclusive.'),
  })
    .optional()
    .describe('A count-based ratio (errors / requests), compared with a test on counts.'),
  direction: z.enum(['increase', 'decrease', 'either']).default('either').describe('Which change is bad.'),
  min: z.number().optional().describe('Absolute lower bound for the canary.'),
  max: z.number().optional().describe('Absolute upper bound for the canary.'),
  allowedIncrease: z
    .number()
    .min(1)
    .optional()
    .describe('Canary may be this factor above baseline (1.1 = +10%).'),
  allowedDecrease: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Canary may be this factor below baseline (0.9 = -10%).'),
  critical: z.boolean().default(false).describe('A failure of this metric fails the analysis at once.'),
  minSamples: z.int().min(2).optional().describe('Overrides canary.minSamples for this metric.'),
});

const canary = strictObject({
  prometheus,
  window: duration.default('30m'),
  step: duration.default('1m'),
  confidence: z
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.98)
    .describe('Confidence of the two-sided intervals (shift, rate ratio) a verdict is based on.'),
  minSamples: z
    .int()
    .min(2)
    .default(10)
    .describe('Fewer finite samples than this on either side → the metric is inconclusive.'),
  maxMissing: z
    .number()
    .min(0)
    .max(1)
    .default(0.25)
    .describe(
      'Share of the steps of the window without a finite value above which a metric is inconclusive.',
    ),
  selectors: strictObject({ canary: labelMatchers, baseline: labelMatchers }),
  metrics: z.array(metric).min(1, 'expected at least one metric'),
  rollback: z
    .enum(['auto', 'manual'])
    .default('manual')
    .describe('On failure, open the rollback PR (auto) or only report.'),
  parallelQueries: z
    .int()
    .min(1)
    .max(256)
    .default(48)
    .describe(
      'Queries one analysis sends at once (2 per query metric, 4 per ratio metric); Prometheus queues what exceeds its own --query.max-concurrency.',
    ),
});

/** A repository path a CI input accepts (the include's `spec:inputs` use the same expression). */
const ciPath = z
  .string()
  .regex(
    new RegExp(`^${REPO_PATH_PATTERN}$`),
    'expected a path relative to the repository root of letters, digits, ".", "_", "@", "+" and "-" (no spaces, no "." or ".." segments)',
  );

/** An image name whose parts may be CI/CD variables GitLab expands ($HARBOR/shop/web). */
const ciImageName = z
  .string()
  .regex(
    new RegExp(`^${CI_IMAGE_NAME_PATTERN}$`),
    'expected an image name without tag, such as "registry.example.com/shop/web"',
  );

const buildImage = strictObject({
  name: ciImageName,
  context: z
    .string()
    .regex(
      new RegExp(CI_INPUTS.find((input) => input.name === 'context')!.regex!),
      'expected a path relative to the repository root of letters, digits, ".", "_", "@", "+" and "-" (no spaces, no "." or ".." segments)',
    )
    .default('.')
    .describe('Build context, relative to the repository root; parts may be GitLab $VARIABLES.'),
  dockerfile: ciPath.default('Dockerfile').describe('Dockerfile, relative to the repository root.'),
  target: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a Dockerfile stage name')
    .optional(),
  buildArgs: z
    .array(
      z.string().regex(new RegExp(`^${BUILD_ARG_PATTERN}$`), 'expected KEY=VALUE without control characters'),
    )
    .optional()
    .describe('Build arguments as KEY=VALUE.'),
  extraTags: z
    .array(z.string().regex(new RegExp(`^${TAG_PATTERN}$`), 'expected a valid image tag'))
    .optional()
    .describe('Tags added to builds of git tags and of the default branch.'),
  cacheRepo: ciImageName.optional().describe('Layer cache repository; default <name>/cache.'),
  labels: z
    .array(
      z.string().regex(new RegExp(`^${LABEL_PATTERN}$`), 'expected KEY=VALUE without control characters'),
    )
    .optional()
    .describe('Image labels as KEY=VALUE, besides the org.opencontainers.image.* ones.'),
  changes: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Build only when a file matching one of these globs changed (GitLab rules:changes, GitHub paths); tags always build.',
    ),
});

const variableName = z
  .string()
  .regex(new RegExp(`^${VARIABLE_NAME_PATTERN}$`), 'expected a variable name such as REGISTRY_PASSWORD');

const build = strictObject({
  images: z
    .array(buildImage)
    .min(1)
    .optional()
    .describe('Images to build; default: one per Dockerfile found.'),
  executorImage: z
    .string()
    .superRefine((value, ctx) => {
      const problem = executorImageProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional()
    .describe('Kaniko executor debug image, pinned by tag or digest; default: a pinned maintained fork.'),
  ociLabels: z.boolean().optional().describe('Add the org.opencontainers.image.* labels (default true).'),
  extraArgs: z
    .array(
      z.string().superRefine((value, ctx) => {
        const problem = extraArgProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    )
    .optional()
    .describe("More Kaniko flags, each --flag or --flag=value, from gantry's allowlist."),
  registryMirrors: z
    .array(z.string().regex(new RegExp(`^${MIRROR_PATTERN}$`), 'expected a registry host[:port][/path]'))
    .optional()
    .describe('Registry mirrors for Docker Hub pulls (Kaniko --registry-mirror).'),
  caCertVariable: variableName
    .optional()
    .describe('GitLab: CI/CD variable with PEM certificates to trust (default ADDITIONAL_CA_CERT_BUNDLE).'),
  cache: z.boolean().default(true).describe('Use and fill the layer cache (--cache-repo).'),
  push: z.boolean().default(true).describe('Push builds of tags and branches (merge requests never push).'),
  stage: z
    .string()
    .regex(new RegExp(`^${STAGE_PATTERN}$`), 'expected a GitLab stage name')
    .default('build'),
  registry: strictObject({
    userVariable: variableName
      .optional()
      .describe('CI/CD variable (GitHub: secret) holding the registry user.'),
    passwordVariable: variableName
      .optional()
      .describe('CI/CD variable (GitHub: secret) holding the registry password or token.'),
  })
    .optional()
    .describe(
      'Where CI finds the registry credentials; default: GitLab CI_REGISTRY_*, GitHub ghcr.io token.',
    ),
});

const deploy = strictObject({
  repo: repo.describe('The GitOps repository that holds the environments.'),
  app: name.describe('The app in that repository this repo deploys as.'),
  trigger: z
    .enum(['tag', 'pipeline'])
    .default('tag')
    .describe('Promote on tag push, or after the tag pipeline succeeded.'),
});

export const configSchema = strictObject({
  version: z.literal(1).describe('Configuration format version.'),
  extends: z
    .string()
    .min(1)
    .optional()
    .describe('"./base.yml", "repo", "owner/repo" or "owner/repo:path.yml" to inherit from.'),
  build: build.optional(),
  deploy: deploy.optional(),
  apps: z.record(name, app).optional(),
  environments: z.array(environment).min(1).optional(),
  canary: canary.optional(),
});

export type GantryConfig = z.infer<typeof configSchema>;
export type AppConfig = z.infer<typeof app>;
export type Artifact = z.infer<typeof artifact>;
export type EnvironmentConfig = z.infer<typeof environment>;
export type TargetConfig = z.infer<typeof target>;
export type CanaryConfig = z.infer<typeof canary>;
export type MetricConfig = z.infer<typeof metric>;
export type BuildImageConfig = z.infer<typeof buildImage>;
