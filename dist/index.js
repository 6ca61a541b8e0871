// gantry GitHub Action, bundled from src/entry/action.ts by `npm run build:action`. Do not edit.

// src/entry/action.ts
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// src/core/errors.ts
var GantryError = class extends Error {
  code;
  constructor(code2, message, options) {
    super(message, options);
    this.name = new.target.name;
    this.code = code2;
  }
};
var ValidationError = class extends GantryError {
  constructor(message, options) {
    super("validation", message, options);
  }
};

// src/core/build/defaults.ts
var DEFAULT_EXECUTOR_TAG = "v1.28.5-debug";
var DEFAULT_EXECUTOR_DIGEST = "sha256:d6d74217dc077acfd3094992e917c357080a2d3fdd1042a49e34e29a7e57c572";
var DEFAULT_EXECUTOR_IMAGE = `ghcr.io/osscontainertools/kaniko@${DEFAULT_EXECUTOR_DIGEST}`;
var GITLAB_SERVER = "gitlab.com";
var GITLAB_PROJECT_PATH = "gantry-dev/gantry";
var COMPONENT_NAME = "kaniko";
var GITLAB_COMPONENT = `${GITLAB_SERVER}/${GITLAB_PROJECT_PATH}/${COMPONENT_NAME}`;
var GITLAB_IMAGE_PREFIX = "$CI_REGISTRY_IMAGE";
var DEFAULT_STAGE = "build";
var DEFAULT_REGISTRY_USER_VARIABLE = "CI_REGISTRY_USER";
var DEFAULT_REGISTRY_PASSWORD_VARIABLE = "CI_REGISTRY_PASSWORD";

// src/core/build/image-ref.ts
var DOMAIN_COMPONENT = "[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?";
var DOMAIN_PATTERN = `${DOMAIN_COMPONENT}(\\.${DOMAIN_COMPONENT})*(:[0-9]+)?`;
var PATH_COMPONENT_PATTERN = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
var IMAGE_NAME_PATTERN = `(${DOMAIN_PATTERN}/)?${PATH_COMPONENT_PATTERN}(/${PATH_COMPONENT_PATTERN})*`;
var TAG_PATTERN = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
var DIGEST_PATTERN = "[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}";
var nameOnly = new RegExp(`^${IMAGE_NAME_PATTERN}$`);
var tagOnly = new RegExp(`^${TAG_PATTERN}$`);
var digestOnly = new RegExp(`^${DIGEST_PATTERN}$`);
var pathComponent = new RegExp(`^${PATH_COMPONENT_PATTERN}$`);
var DOCKER_HUB = "docker.io";
var NAME_MAX = 255;
function parseImageReference(reference) {
  const fail = (why) => {
    throw new ValidationError(`image reference "${reference}" ${why}`);
  };
  let rest = reference;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestOnly.test(digest))
      fail(`has an invalid digest "${digest}"; expected e.g. sha256:<64 hex digits>`);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagOnly.test(tag))
      fail(`has an invalid tag "${tag}"; expected up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"`);
  }
  if (rest === "") fail("has no name");
  if (rest.length > NAME_MAX) fail(`has a name longer than ${NAME_MAX} characters`);
  if (!nameOnly.test(rest)) {
    fail(
      'is not a valid image name; expected [registry[:port]/]path with lowercase path components of letters, digits and single ".", "_", "__" or "-" separators'
    );
  }
  const { registry, repository } = splitRegistry(rest);
  return {
    name: rest,
    registry,
    repository,
    ...tag !== void 0 && { tag },
    ...digest !== void 0 && { digest }
  };
}
function parseImageName(name) {
  const parsed = parseImageReference(name);
  if (parsed.tag !== void 0 || parsed.digest !== void 0) {
    throw new ValidationError(
      `image name "${name}" must not carry a tag or digest; gantry computes the tags`
    );
  }
  return parsed;
}
function splitRegistry(name) {
  const slash = name.indexOf("/");
  if (slash < 0) return { registry: DOCKER_HUB, repository: name };
  const first = name.slice(0, slash);
  const isHost = first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase();
  return isHost ? { registry: first, repository: name.slice(slash + 1) } : { registry: DOCKER_HUB, repository: name };
}

// src/core/build/kaniko-flags.ts
var COUNT = "(0|[1-9][0-9]{0,2})";
var DURATION = "([0-9]+(ns|us|ms|s|m|h))+";
var PLATFORM = "linux/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)(/v[5-8])?";
var ABSOLUTE_PATH = "/[A-Za-z0-9._/@+-]*";
var KANIKO_FLAGS = [
  { flag: "cache-copy-layers", bool: true },
  { flag: "cache-run-layers", bool: true },
  { flag: "cache-ttl", ere: DURATION, expected: "a duration such as 24h or 90m" },
  { flag: "cleanup", bool: true },
  { flag: "compressed-caching", bool: true },
  { flag: "compression", values: ["gzip", "zstd"] },
  { flag: "compression-level", ere: "([0-9]|1[0-9]|2[0-2])", expected: "a level from 0 to 22" },
  { flag: "custom-platform", ere: PLATFORM, expected: "a platform such as linux/arm64" },
  { flag: "ignore-path", ere: ABSOLUTE_PATH, expected: "an absolute path" },
  { flag: "image-download-retry", ere: COUNT, expected: "a number up to 999" },
  { flag: "image-fs-extract-retry", ere: COUNT, expected: "a number up to 999" },
  { flag: "insecure", bool: true },
  { flag: "insecure-pull", bool: true },
  { flag: "insecure-registry", ere: DOMAIN_PATTERN, expected: "a registry host[:port]" },
  { flag: "log-format", values: ["text", "color", "json"] },
  { flag: "log-timestamp", bool: true },
  { flag: "push-retry", ere: COUNT, expected: "a number up to 999" },
  { flag: "reproducible", bool: true },
  { flag: "single-snapshot", bool: true },
  { flag: "skip-push-permission-check", bool: true },
  { flag: "skip-tls-verify", bool: true },
  { flag: "skip-tls-verify-pull", bool: true },
  { flag: "skip-tls-verify-registry", ere: DOMAIN_PATTERN, expected: "a registry host[:port]" },
  { flag: "skip-unused-stages", bool: true },
  { flag: "snapshot-mode", values: ["full", "redo", "time"] },
  { flag: "use-new-run", bool: true },
  { flag: "verbosity", values: ["panic", "fatal", "error", "warn", "info", "debug", "trace"] }
];
var byFlag = new Map(KANIKO_FLAGS.map((f) => [f.flag, f]));
var compiled = new Map(
  KANIKO_FLAGS.flatMap((f) => f.ere ? [[f.flag, new RegExp(`^(${f.ere})$`)]] : [])
);
function extraArgProblem(arg) {
  const shown = JSON.stringify(arg);
  const match = /^--([a-z][a-z-]*)(=(.*))?$/s.exec(arg);
  const spec = match ? byFlag.get(match[1]) : void 0;
  if (!match || !spec) {
    return `${shown} is not one of the Kaniko flags extra-args allows (--${KANIKO_FLAGS.map((f) => f.flag).join(", --")})`;
  }
  const value = match[3];
  if (spec.bool) {
    return value === void 0 || value === "true" || value === "false" ? void 0 : `${shown}: --${spec.flag} takes no value, or =true / =false`;
  }
  if (value === void 0) return `${shown}: write --${spec.flag}=VALUE as one item`;
  if (spec.values) {
    return spec.values.includes(value) ? void 0 : `${shown}: expected one of ${spec.values.join(", ")}`;
  }
  return compiled.get(spec.flag).test(value) ? void 0 : `${shown}: expected ${spec.expected}`;
}

// src/core/build/labels.ts
var LABEL_PATTERN = "[A-Za-z0-9][A-Za-z0-9._/-]*=[^\\x00-\\x1f\\x7f]*";
function buildLabels(facts, user) {
  const keys = new Set(user.map((label) => label.slice(0, label.indexOf("="))));
  const defaults = facts ? ["created", "revision", "source", "title", "version"].filter((name) => facts[name] !== "" && !keys.has(`org.opencontainers.image.${name}`)).map((name) => `org.opencontainers.image.${name}=${facts[name]}`) : [];
  return [...defaults, ...user];
}

// src/core/build/inputs.ts
var SEGMENT = "\\.?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*";
var REPO_PATH_PATTERN = `${SEGMENT}(/${SEGMENT})*`;
var VARIABLE_REF_PATTERN = "\\$([A-Za-z_][A-Za-z0-9_]*|\\{[A-Za-z_][A-Za-z0-9_]*\\})";
var VAR = VARIABLE_REF_PATTERN;
var CI_IMAGE_NAME_PATTERN = `((${VAR}|${DOMAIN_PATTERN})/)?(${VAR}|${PATH_COMPONENT_PATTERN})(/(${VAR}|${PATH_COMPONENT_PATTERN}))*`;
var CI_PATH = `(${SEGMENT}|${VAR})(/(${SEGMENT}|${VAR}))*`;
var MIRROR_PATTERN = `${DOMAIN_PATTERN}(/${PATH_COMPONENT_PATTERN})*`;
var JOB_PATTERN = "[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?";
var BUILD_ARG_PATTERN = "[A-Za-z_][A-Za-z0-9_]*=[^\\x00-\\x1f\\x7f]*";
var VARIABLE_NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]*";
var STAGE_PATTERN = "[A-Za-z0-9_.-]+( [A-Za-z0-9_.-]+)*";
var matching = (pattern, expected) => {
  const re = new RegExp(`^${pattern}$`);
  return (item) => typeof item === "string" && re.test(item) ? void 0 : `${JSON.stringify(item)} is not ${expected}`;
};
var DEFAULT_RULES = [
  { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
  { if: "$CI_COMMIT_TAG" },
  { if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" },
  { if: "$CI_COMMIT_BRANCH" }
];
var CI_INPUTS = [
  {
    name: "job",
    type: "string",
    default: "gantry-build",
    description: "Job name; give each image its own when including this file more than once.",
    regex: `^${JOB_PATTERN}$`,
    expected: 'lowercase letters, digits and "-", at most 100'
  },
  {
    name: "image",
    type: "string",
    default: GITLAB_IMAGE_PREFIX,
    description: "Image to build, without tag: registry/path; parts may be $VARIABLES ($CI_REGISTRY_IMAGE/web).",
    regex: `^${CI_IMAGE_NAME_PATTERN}$`,
    expected: "an image name without tag, such as registry.example.com/shop/web, $CI_REGISTRY_IMAGE/web or $HARBOR/shop/web"
  },
  {
    name: "context",
    type: "string",
    default: ".",
    description: "Build context, relative to the repository root; parts may be $VARIABLES.",
    regex: `^(\\.|${CI_PATH})$`,
    expected: 'a path relative to the repository root without ".." segments or spaces'
  },
  {
    name: "dockerfile",
    type: "string",
    default: "Dockerfile",
    description: "Dockerfile, relative to the repository root.",
    regex: `^${REPO_PATH_PATTERN}$`,
    expected: 'a path relative to the repository root without ".." segments or spaces'
  },
  {
    name: "build-args",
    type: "array",
    default: [],
    description: "Build arguments, each KEY=VALUE.",
    expected: "KEY=VALUE without control characters",
    itemProblem: matching(BUILD_ARG_PATTERN, "KEY=VALUE without control characters")
  },
  {
    name: "target",
    type: "string",
    default: "",
    description: "Dockerfile stage to build; empty for the last one.",
    regex: "^([A-Za-z0-9][A-Za-z0-9_.-]*)?$",
    expected: "a Dockerfile stage name"
  },
  {
    name: "cache",
    type: "boolean",
    default: true,
    description: "Use and fill the layer cache in cache-repo."
  },
  {
    name: "cache-repo",
    type: "string",
    default: "",
    description: "Layer cache repository; empty for <image>/cache. Parts may be $VARIABLES.",
    regex: `^(${CI_IMAGE_NAME_PATTERN})?$`,
    expected: "an image name without tag"
  },
  {
    name: "executor-image",
    type: "string",
    default: DEFAULT_EXECUTOR_IMAGE,
    description: "Kaniko executor debug image (with busybox), pinned by tag or digest; parts may be $VARIABLES (a Dependency Proxy prefix).",
    regex: `^${CI_IMAGE_NAME_PATTERN}(:${TAG_PATTERN})?(@sha256:[a-f0-9]{64})?$`,
    expected: "an image reference such as ghcr.io/osscontainertools/kaniko:v1.28.5-debug",
    comment: DEFAULT_EXECUTOR_TAG
  },
  {
    name: "stage",
    type: "string",
    default: DEFAULT_STAGE,
    description: "Pipeline stage of the job.",
    regex: `^${STAGE_PATTERN}$`,
    expected: 'a stage name of letters, digits, ".", "_", "-" and single spaces'
  },
  {
    name: "push",
    type: "boolean",
    default: true,
    description: "Push on tag and branch pipelines (merge requests never push)."
  },
  {
    name: "extra-tags",
    type: "string",
    default: "",
    description: "Space-separated tags added to tag and default-branch builds.",
    regex: `^(${TAG_PATTERN}( ${TAG_PATTERN})*)?$`,
    expected: "image tags separated by single spaces"
  },
  {
    name: "registry-user-variable",
    type: "string",
    default: DEFAULT_REGISTRY_USER_VARIABLE,
    description: "Name of the CI/CD variable that holds the registry user.",
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: "a variable name"
  },
  {
    name: "registry-password-variable",
    type: "string",
    default: DEFAULT_REGISTRY_PASSWORD_VARIABLE,
    description: "Name of the CI/CD variable that holds the registry password or token.",
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: "a variable name"
  },
  {
    name: "labels",
    type: "array",
    default: [],
    description: "Image labels, each KEY=VALUE; a key of the default OCI labels replaces that label.",
    expected: 'KEY=VALUE with a key of letters, digits, ".", "_", "/" and "-", without control characters',
    itemProblem: matching(
      LABEL_PATTERN,
      'KEY=VALUE without control characters, the key of letters, digits, ".", "_", "/", "-"'
    )
  },
  {
    name: "oci-labels",
    type: "boolean",
    default: true,
    description: "Add the org.opencontainers.image.{created,revision,source,title,version} labels."
  },
  {
    name: "extra-args",
    type: "array",
    default: [],
    description: "More Kaniko flags, each one item --flag or --flag=value, from an allowlist (docs/build.md).",
    expected: "an allowed Kaniko flag",
    itemProblem: (item) => typeof item === "string" ? extraArgProblem(item) : `${JSON.stringify(item)} is not a string`
  },
  {
    name: "registry-mirror",
    type: "string",
    default: "",
    description: "Space-separated registry mirrors for Docker Hub pulls (host[:port][/path]).",
    regex: `^(${MIRROR_PATTERN}( ${MIRROR_PATTERN})*)?$`,
    expected: "registry hosts such as mirror.gcr.io separated by single spaces"
  },
  {
    name: "ca-cert-variable",
    type: "string",
    default: "ADDITIONAL_CA_CERT_BUNDLE",
    description: "Name of the CI/CD variable (text or file) with PEM certificates to trust, appended to the executor bundle.",
    regex: `^${VARIABLE_NAME_PATTERN}$`,
    expected: "a variable name"
  },
  {
    name: "rules",
    type: "array",
    default: DEFAULT_RULES,
    description: "The rules of the job (default: merge requests, tags, branches without an open merge request).",
    expected: "a list of rules (mappings)",
    itemProblem: (item) => item !== null && typeof item === "object" && !Array.isArray(item) ? void 0 : `${JSON.stringify(item)} is not a rule (a mapping such as {if: ..., changes: [...]})`
  }
];
var byName = new Map(CI_INPUTS.map((input) => [input.name, input]));
var compiled2 = new Map(
  CI_INPUTS.flatMap((input) => input.regex ? [[input.name, new RegExp(input.regex)]] : [])
);
function ciInputProblem(name, value) {
  const input = byName.get(name);
  if (!input) return `unknown input "${name}"`;
  const shown = JSON.stringify(value);
  if (input.type === "boolean") return typeof value === "boolean" ? void 0 : `${shown} is not a boolean`;
  if (input.type === "array") {
    if (!Array.isArray(value)) return `${shown} is not a list`;
    for (const item of value) {
      const problem = input.itemProblem?.(item);
      if (problem) return problem;
    }
    return void 0;
  }
  if (typeof value !== "string") return `${shown} is not a string`;
  if (compiled2.get(name)?.test(value) === false) return `${shown} is not ${input.expected}`;
  return void 0;
}

// src/core/build/action-inputs.ts
var ACTION_MODES = ["build"];
function actionInput(env, name) {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function readActionInputs(env) {
  const get = (name) => actionInput(env, name);
  const problems = [];
  const check = (input, value) => {
    const problem = ciInputProblem(input, value);
    if (problem) problems.push(`input "${input}": ${problem}`);
  };
  const mode = get("mode") || "build";
  if (!ACTION_MODES.includes(mode)) {
    problems.push(`input "mode": "${mode}" is not supported; expected one of: ${ACTION_MODES.join(", ")}`);
  }
  const image = get("image").toLowerCase();
  if (image === "") problems.push('input "image" is required: the image name without tag');
  else if (!image.includes("$")) {
    try {
      parseImageName(image);
    } catch (error) {
      problems.push(`input "image": ${error.message}`);
    }
  }
  const bool = (name, fallback) => {
    const value = get(name) || String(fallback);
    if (value !== "true" && value !== "false")
      problems.push(`input "${name}": "${value}" is not true or false`);
    return value === "true";
  };
  const context = get("context") || ".";
  const dockerfile = get("dockerfile") || "Dockerfile";
  const target = get("target");
  const buildArgs = get("build-args").split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const extraTags = get("extra-tags").split(/\s+/).filter(Boolean);
  const lines = (name) => get(name).split("\n").map((line) => line.trim()).filter((line) => line !== "");
  const labels = lines("labels");
  const extraArgs = lines("extra-args");
  const mirror = get("registry-mirror");
  const cacheRepo = get("cache-repo").toLowerCase();
  const executorImage = get("executor-image") || DEFAULT_EXECUTOR_IMAGE;
  check("context", context);
  check("dockerfile", dockerfile);
  check("target", target);
  check("build-args", buildArgs);
  check("extra-tags", extraTags.join(" "));
  if (cacheRepo) check("cache-repo", cacheRepo);
  check("executor-image", executorImage);
  check("labels", labels);
  check("extra-args", extraArgs);
  check("registry-mirror", mirror);
  for (const [name, value] of [
    ["image", image],
    ["context", context],
    ["cache-repo", cacheRepo],
    ["executor-image", executorImage]
  ]) {
    if (value.includes("$")) {
      problems.push(
        `input "${name}": "${value}" holds a $VARIABLE, which GitHub does not expand in with:; use \${{ env.NAME }} or \${{ vars.NAME }}`
      );
    }
  }
  const cache = bool("cache", true);
  const push = bool("push", true);
  const ociLabels = bool("oci-labels", true);
  if (problems.length > 0) throw new ValidationError(problems.join("\n"));
  const username = get("registry-username");
  const password = get("registry-password");
  return {
    mode: "build",
    image,
    context,
    dockerfile,
    ...target && { target },
    buildArgs,
    extraTags,
    cache,
    ...cacheRepo && { cacheRepo },
    executorImage,
    push,
    ...username && { registryUsername: username },
    ...password && { registryPassword: password },
    labels,
    ociLabels,
    extraArgs,
    registryMirrors: mirror.split(" ").filter(Boolean)
  };
}

// src/core/markdown.ts
function code(text) {
  const clean = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return clean.startsWith("`") || clean.endsWith("`") ? `${fence} ${clean} ${fence}` : `${fence}${clean}${fence}`;
}

// src/core/build/action-report.ts
function buildMetadata(report) {
  const labels = Object.fromEntries(
    report.labels.map((label) => [label.slice(0, label.indexOf("=")), label.slice(label.indexOf("=") + 1)])
  );
  return JSON.stringify({
    image: report.image,
    tags: report.tags,
    digest: report.digest,
    labels,
    pushed: report.pushed
  });
}
function stepSummary(report) {
  const rows = [
    ["Image", code(report.image)],
    ["Digest", code(report.digest)],
    ["Pushed", report.pushed ? "yes" : "no (pull request or `push: false`)"],
    ["Tags", report.tags.map((tag) => code(tag)).join("<br>")]
  ];
  const labels = report.labels.map((label) => code(label)).join("<br>");
  if (labels) rows.push(["Labels", labels]);
  return [
    `### gantry build: ${code(report.image)}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([name, value]) => `| ${name} | ${value.replaceAll("|", "\\|")} |`),
    ""
  ].join("\n");
}

// src/core/build/executor-args.ts
function kanikoArgs(build, plan, root, digestFile) {
  const args = [
    `--context=${build.context === "." ? root : `${root}/${build.context}`}`,
    `--dockerfile=${root}/${build.dockerfile}`,
    ...plan.tags.map((tag) => `--destination=${build.image}:${tag}`)
  ];
  if (build.target) args.push(`--target=${build.target}`);
  for (const arg of build.buildArgs) args.push(`--build-arg=${arg}`);
  for (const label of build.labels ?? []) args.push(`--label=${label}`);
  if (build.cache) args.push("--cache=true", `--cache-repo=${build.cacheRepo || `${build.image}/cache`}`);
  else args.push("--cache=false");
  for (const mirror of build.registryMirrors ?? []) args.push(`--registry-mirror=${mirror}`);
  args.push(...build.extraArgs ?? []);
  args.push(`--digest-file=${digestFile}`);
  if (!plan.push) args.push("--no-push", "--no-push-cache");
  return args;
}
var CONTAINER_WORKSPACE = "/workspace";
var CONTAINER_OUTPUT = "/gantry-out";
var CONTAINER_DOCKER_CONFIG = "/kaniko/.docker";
function dockerRunArgs(run) {
  const mount = (host2, container, mode = "") => {
    if (host2.includes(":") || host2.includes(",") || !host2.startsWith("/")) {
      throw new ValidationError(`cannot mount "${host2}": expected an absolute path without ":" or ","`);
    }
    return ["--volume", `${host2}:${container}${mode}`];
  };
  return [
    "run",
    "--rm",
    ...mount(run.workspace, CONTAINER_WORKSPACE),
    ...mount(run.output, CONTAINER_OUTPUT),
    ...run.dockerConfig ? mount(run.dockerConfig, CONTAINER_DOCKER_CONFIG, ":ro") : [],
    "--entrypoint",
    "/kaniko/executor",
    run.executorImage,
    ...run.executorArgs
  ];
}
function registryAuthKey(registry) {
  return registry === "docker.io" ? "https://index.docker.io/v1/" : registry;
}
function dockerConfigJson(registry, username, password) {
  const auth = btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)));
  return `${JSON.stringify({ auths: { [registryAuthKey(registry)]: { auth } } })}
`;
}

// src/core/build/github-event.ts
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target"]);
function githubBuildEvent(env, payload) {
  const event = payload ?? {};
  const name = env.GITHUB_EVENT_NAME ?? "";
  if (PULL_REQUEST_EVENTS.has(name)) {
    const head = event.pull_request?.head;
    if (typeof head?.ref !== "string" || typeof head.sha !== "string") {
      throw new ValidationError(`${name} event payload has no pull_request.head.ref/sha`);
    }
    return { kind: "merge-request", sourceBranch: head.ref, sha: head.sha };
  }
  const ref = env.GITHUB_REF ?? "";
  const sha = env.GITHUB_SHA ?? "";
  if (ref.startsWith("refs/tags/")) return { kind: "tag", tag: ref.slice("refs/tags/".length), sha };
  if (ref.startsWith("refs/heads/")) {
    const defaultBranch = event.repository?.default_branch;
    if (typeof defaultBranch !== "string") {
      throw new ValidationError(`${name || "the"} event payload has no repository.default_branch`);
    }
    return { kind: "branch", branch: ref.slice("refs/heads/".length), sha, defaultBranch };
  }
  throw new ValidationError(
    `cannot build for event "${name}" on ref "${ref}": expected a pull request, a tag or a branch`
  );
}

// src/core/build/semver.ts
var TAG_MAX = 128;
var SEMVER_ERE = "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\\+([0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*))?$";
var semver = new RegExp(SEMVER_ERE);
function parseReleaseTag(gitTag) {
  if (!semver.test(gitTag)) return void 0;
  const version = gitTag.startsWith("v") ? gitTag.slice(1) : gitTag;
  const tag = version.replaceAll("+", "_");
  if (tag.length > TAG_MAX) return void 0;
  const core = version.split(/[-+]/, 1)[0];
  const [major, minor] = core.split(".");
  return { tag, major, minor, qualified: core.length !== version.length };
}

// src/core/build/slug.ts
var SLUG_MAX = 63;
function refSlug(ref) {
  let out = "";
  for (const byte of new TextEncoder().encode(ref)) {
    const lower = byte >= 65 && byte <= 90 ? byte + 32 : byte;
    const keep = lower >= 97 && lower <= 122 || lower >= 48 && lower <= 57;
    out += keep ? String.fromCharCode(lower) : "-";
  }
  return out.replace(/-+/g, "-").replace(/^-/, "").replace(/-$/, "").slice(0, SLUG_MAX).replace(/-$/, "");
}
var SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
function shortSha(sha) {
  if (!SHA.test(sha)) {
    throw new ValidationError(`commit "${sha}" is not a full commit sha (40 or 64 lowercase hex digits)`);
  }
  return sha.slice(0, 8);
}

// src/core/build/tags.ts
function computeTags(event, options = {}) {
  const push = event.kind !== "merge-request" && options.push !== false;
  const tags = baseTags(event);
  const extras = event.kind === "tag" || event.kind === "branch" && event.branch === event.defaultBranch;
  if (extras) {
    for (const extra of options.extraTags ?? []) if (!tags.includes(extra)) tags.push(extra);
  }
  return { tags, push };
}
function baseTags(event) {
  const short = shortSha(event.sha);
  switch (event.kind) {
    case "tag": {
      const release = parseReleaseTag(event.tag);
      if (release === void 0) return [refSlug(event.tag) || `sha-${short}`];
      if (release.qualified) return [release.tag];
      const tags = [release.tag, `${release.major}.${release.minor}`];
      if (release.major !== "0") tags.push(release.major);
      return [...tags, "latest"];
    }
    case "branch": {
      const slug = refSlug(event.branch);
      if (event.branch === event.defaultBranch) return slug ? [`sha-${short}`, slug] : [`sha-${short}`];
      return [slug ? `${slug}-${short}` : `sha-${short}`];
    }
    case "merge-request": {
      const slug = refSlug(event.sourceBranch);
      return [slug ? `${slug}-${short}` : `sha-${short}`];
    }
  }
}

// src/app/build-action.ts
async function runBuildAction(host2) {
  const { env } = host2;
  const inputs = readActionInputs(env);
  const eventPath = env.GITHUB_EVENT_PATH;
  const payloadText = eventPath ? await host2.readFile(eventPath) : null;
  const event = githubBuildEvent(env, payloadText ? JSON.parse(payloadText) : {});
  const plan = computeTags(event, { extraTags: inputs.extraTags, push: inputs.push });
  const title = inputs.image.slice(inputs.image.lastIndexOf("/") + 1);
  const labels = buildLabels(
    inputs.ociLabels ? {
      created: `${host2.now().toISOString().slice(0, 19)}Z`,
      revision: event.sha,
      source: env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : "",
      title,
      version: plan.tags[0]
    } : void 0,
    inputs.labels
  );
  const workspace = env.GITHUB_WORKSPACE;
  if (!workspace)
    throw new ValidationError("GITHUB_WORKSPACE is not set: run the Action after actions/checkout");
  const output = await host2.makeTempDir();
  let credentials;
  try {
    let dockerConfig;
    if (plan.push) {
      if (inputs.registryUsername && inputs.registryPassword) {
        credentials = await host2.makeTempDir();
        const { registry } = parseImageName(inputs.image);
        await host2.writePrivateFile(
          `${credentials}/config.json`,
          dockerConfigJson(registry, inputs.registryUsername, inputs.registryPassword)
        );
        dockerConfig = credentials;
      } else {
        const existing = env.DOCKER_CONFIG || (env.HOME ? `${env.HOME}/.docker` : void 0);
        if (existing && await host2.readFile(`${existing}/config.json`) !== null) dockerConfig = existing;
        else
          host2.log(
            "gantry: no registry credentials (registry-username/-password or docker login); pushing anonymously"
          );
      }
    }
    const args = dockerRunArgs({
      executorImage: inputs.executorImage,
      workspace,
      output,
      dockerConfig,
      executorArgs: kanikoArgs(
        { ...inputs, labels },
        plan,
        CONTAINER_WORKSPACE,
        `${CONTAINER_OUTPUT}/digest`
      )
    });
    host2.log(
      `gantry: ${event.kind} build of ${inputs.image}, tags: ${plan.tags.join(" ")}, push: ${plan.push}`
    );
    const code2 = await host2.run("docker", args);
    if (code2 !== 0) throw new ValidationError(`the Kaniko executor failed (docker run exited with ${code2})`);
    const digest = (await host2.readFile(`${output}/digest`) ?? "").trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new ValidationError(`the Kaniko executor wrote no sha256 digest (got "${digest.slice(0, 80)}")`);
    }
    const result = {
      image: `${inputs.image}:${plan.tags[0]}`,
      tags: plan.tags.map((tag) => `${inputs.image}:${tag}`),
      digest,
      labels,
      pushed: plan.push
    };
    await setOutputs(host2, {
      image: result.image,
      tags: result.tags.join("\n"),
      digest,
      labels: labels.join("\n"),
      metadata: buildMetadata(result)
    });
    if (env.GITHUB_STEP_SUMMARY) await host2.appendFile(env.GITHUB_STEP_SUMMARY, stepSummary(result));
    return result;
  } finally {
    await host2.removeDir(output);
    if (credentials) await host2.removeDir(credentials);
  }
}
async function setOutputs(host2, outputs) {
  const file = host2.env.GITHUB_OUTPUT;
  if (!file) {
    for (const [name, value] of Object.entries(outputs)) host2.log(`gantry: output ${name}=${value}`);
    return;
  }
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = host2.randomDelimiter();
    if (value.includes(delimiter)) throw new ValidationError(`output ${name} contains its delimiter`);
    text += `${name}<<${delimiter}
${value}
${delimiter}
`;
  }
  await host2.appendFile(file, text);
}

// src/entry/action.ts
var host = {
  env: process.env,
  readFile: (path) => readFile(path, "utf8").catch(() => null),
  makeTempDir: () => mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), "gantry-")),
  writePrivateFile: (path, content) => writeFile(path, content, { mode: 384 }),
  appendFile: (path, content) => appendFile(path, content),
  removeDir: (path) => rm(path, { recursive: true, force: true }),
  run: (command, args) => new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code2) => resolve(code2 ?? 1));
  }),
  log: (line) => process.stdout.write(`${line}
`),
  randomDelimiter: () => `gantry_${randomUUID()}`,
  now: () => /* @__PURE__ */ new Date()
};
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
try {
  await runBuildAction(host);
} catch (error) {
  process.stdout.write(`::error title=gantry::${escapeData(error.message)}
`);
  process.exitCode = 1;
}
