import { readActionInputs } from '../core/build/action-inputs.ts';
import { type BuildReport, buildMetadata, stepSummary } from '../core/build/action-report.ts';
import {
  CONTAINER_OUTPUT,
  CONTAINER_WORKSPACE,
  dockerConfigJson,
  dockerRunArgs,
  kanikoArgs,
} from '../core/build/executor-args.ts';
import { githubBuildEvent } from '../core/build/github-event.ts';
import { parseImageName } from '../core/build/image-ref.ts';
import { buildLabels } from '../core/build/labels.ts';
import { computeTags } from '../core/build/tags.ts';
import { ValidationError } from '../core/errors.ts';

/** What the Action needs from its surroundings; the entry passes real ones, tests fakes. */
export interface ActionHost {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): Promise<string | null>;
  /** Creates a private (0700) temporary directory. */
  makeTempDir(): Promise<string>;
  /** Writes a file readable by its owner only. */
  writePrivateFile(path: string, content: string): Promise<void>;
  appendFile(path: string, content: string): Promise<void>;
  removeDir(path: string): Promise<void>;
  /** Runs a program with an argument list (no shell); resolves with its exit code. */
  run(command: string, args: readonly string[]): Promise<number>;
  log(line: string): void;
  /** A fresh random delimiter for multi-line step outputs. */
  randomDelimiter(): string;
  /** The time of the build, for the `org.opencontainers.image.created` label. */
  now(): Date;
}

export type BuildResult = BuildReport;

/**
 * The Action's `build` mode: compute the tags for this event (the same scheme as the GitLab
 * include), run the Kaniko executor image with `docker run`, set the outputs `image`, `tags`,
 * `digest`, `labels` and `metadata`, and write a job summary. Pull requests build without
 * pushing and without credentials.
 */
export async function runBuildAction(host: ActionHost): Promise<BuildResult> {
  const { env } = host;
  const inputs = readActionInputs(env);
  const eventPath = env.GITHUB_EVENT_PATH;
  const payloadText = eventPath ? await host.readFile(eventPath) : null;
  const event = githubBuildEvent(env, payloadText ? JSON.parse(payloadText) : {});
  const plan = computeTags(event, { extraTags: inputs.extraTags, push: inputs.push });
  const title = inputs.image.slice(inputs.image.lastIndexOf('/') + 1);
  const labels = buildLabels(
    inputs.ociLabels
      ? {
          created: `${host.now().toISOString().slice(0, 19)}Z`,
          revision: event.sha,
          source:
            env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
              ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`
              : '',
          title,
          version: plan.tags[0]!,
        }
      : undefined,
    inputs.labels,
  );
  const workspace = env.GITHUB_WORKSPACE;
  if (!workspace)
    throw new ValidationError('GITHUB_WORKSPACE is not set: run the Action after actions/checkout');

  const output = await host.makeTempDir();
  let credentials: string | undefined;
  try {
    let dockerConfig: string | undefined;
    if (plan.push) {
      if (inputs.registryUsername && inputs.registryPassword) {
        credentials = await host.makeTempDir();
        const { registry } = parseImageName(inputs.image);
        await host.writePrivateFile(
          `${credentials}/config.json`,
          dockerConfigJson(registry, inputs.registryUsername, inputs.registryPassword),
        );
        dockerConfig = credentials;
      } else {
        // Credentials left by `docker login` / docker/login-action, if any.
        const existing = env.DOCKER_CONFIG || (env.HOME ? `${env.HOME}/.docker` : undefined);
        if (existing && (await host.readFile(`${existing}/config.json`)) !== null) dockerConfig = existing;
        else
          host.log(
            'gantry: no registry credentials (registry-username/-password or docker login); pushing anonymously',
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
        `${CONTAINER_OUTPUT}/digest`,
      ),
    });
    host.log(
      `gantry: ${event.kind} build of ${inputs.image}, tags: ${plan.tags.join(' ')}, push: ${plan.push}`,
    );
    const code = await host.run('docker', args);
    if (code !== 0) throw new ValidationError(`the Kaniko executor failed (docker run exited with ${code})`);
    const digest = ((await host.readFile(`${output}/digest`)) ?? '').trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new ValidationError(`the Kaniko executor wrote no sha256 digest (got "${digest.slice(0, 80)}")`);
    }
    const result: BuildResult = {
      image: `${inputs.image}:${plan.tags[0]}`,
      tags: plan.tags.map((tag) => `${inputs.image}:${tag}`),
      digest,
      labels,
      pushed: plan.push,
    };
    await setOutputs(host, {
      image: result.image,
      tags: result.tags.join('\n'),
      digest,
      labels: labels.join('\n'),
      metadata: buildMetadata(result),
    });
    if (env.GITHUB_STEP_SUMMARY) await host.appendFile(env.GITHUB_STEP_SUMMARY, stepSummary(result));
    return result;
  } finally {
    await host.removeDir(output);
    if (credentials) await host.removeDir(credentials);
  }
}

/** Step outputs in GITHUB_OUTPUT's `name<<DELIMITER` form, with a delimiter no value contains. */
async function setOutputs(host: ActionHost, outputs: Record<string, string>): Promise<void> {
  const file = host.env.GITHUB_OUTPUT;
  if (!file) {
    for (const [name, value] of Object.entries(outputs)) host.log(`gantry: output ${name}=${value}`);
    return;
  }
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = host.randomDelimiter();
    if (value.includes(delimiter)) throw new ValidationError(`output ${name} contains its delimiter`);
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  await host.appendFile(file, text);
}
