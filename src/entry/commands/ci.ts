import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { diskExtendsResolver } from '../../adapters/local/config-files.ts';
import { workingTreeSource, writeRepoFiles } from '../../adapters/local/repo-files.ts';
import { type RenderCiResult, renderCi } from '../../app/render-ci.ts';
import { GITLAB_COMPONENT } from '../../core/build/defaults.ts';
import { parseActionRef } from '../../core/build/github-workflow.ts';
import { parseIncludeSource } from '../../core/build/gitlab-include.ts';
import { PLATFORMS, type Platform } from '../../core/build/validate-job.ts';
import { ConfigError, formatIssue, NotFoundError, UsageError, ValidationError } from '../../core/errors.ts';
import { didYouMean } from '../../core/text/did-you-mean.ts';
import { EXIT, type Io, json } from '../output.ts';
import { configPathIn } from './repo-config.ts';

interface RenderOptions {
  platform: string;
  repo: string;
  config?: string;
  write?: boolean;
  check?: boolean;
  json?: boolean;
  include?: string;
  action?: string;
  actionSha?: string;
  imagePrefix?: string;
  force?: boolean;
}

/** gantry's version: the default include and Action refs are `v<version>`. */
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function registerCi(program: Command, io: Io, exit: (code: number) => void): void {
  const ci = program
    .command('ci')
    .description('CI configuration that builds the images (GitLab include, GitHub Action)');

  ci.command('render')
    .description(
      'print or write the CI config that builds every image: .gitlab-ci.yml include entries or .github/workflows/gantry-build.yml',
    )
    .requiredOption('--platform <platform>', `gitlab or github`)
    .option('--repo <dir>', 'repository working tree', '.')
    .option(
      '--config <file>',
      'configuration file, relative to --repo (default: .gantry.yml, or discover Dockerfiles without one)',
    )
    .option('--write', 'write the changed file(s) instead of printing them')
    .option('--check', 'change nothing; exit 1 when the CI config is not up to date')
    .option('--json', 'machine-readable result')
    .option(
      '--include <source>',
      `where GitLab includes gantry's job from: component:FQDN/GROUP/PROJECT/kaniko@VERSION, project:GROUP/PROJECT@REF, local:PATH or remote:URL (default component:${GITLAB_COMPONENT}@${version})`,
    )
    .option('--action <ref>', `the Action the workflow uses (default gantry/gantry@v${version})`)
    .option(
      '--action-sha <sha>',
      "the commit of --action's ref: the workflow pins it, the ref as a comment (git ls-remote https://github.com/OWNER/REPO refs/tags/REF)",
    )
    .option(
      '--image-prefix <name>',
      'image name prefix for discovered Dockerfiles (default $CI_REGISTRY_IMAGE / ghcr.io/<repository>)',
    )
    .option('--force', 'replace a workflow file that gantry did not write')
    .action(async (options: RenderOptions) => {
      const platform = parsePlatform(options.platform);
      const include = options.include === undefined ? undefined : parseIncludeSource(options.include);
      const action = options.action === undefined ? undefined : parseActionRef(options.action);
      const source = await workingTreeSource(options.repo);
      const configPath = options.config ?? '.gantry.yml';
      // A file named on the command line must exist: falling back to discovery would build
      // something other than what the named file says.
      if (options.config !== undefined && (await source.readFile(configPath)) === null)
        throw new NotFoundError(
          `${configPath}: no such file in ${options.repo} (--config is relative to --repo)`,
        );
      let result: RenderCiResult;
      try {
        result = await renderCi({
          platform,
          source,
          version,
          configPath,
          resolveExtends: diskExtendsResolver(configPathIn(options.repo, configPath)),
          ...(include && { include }),
          ...(action && { action }),
          ...(options.actionSha !== undefined && { actionSha: options.actionSha }),
          ...(options.imagePrefix !== undefined && { imagePrefix: options.imagePrefix }),
          ...(options.force && { force: true }),
        });
      } catch (error) {
        if (!(error instanceof ConfigError || error instanceof ValidationError)) throw error;
        const lines = error instanceof ConfigError ? error.issues.map(formatIssue) : [error.message];
        if (options.json) io.out(json({ ok: false, errors: lines }));
        else io.err(`${lines.map((l) => `gantry: ${l}`).join('\n')}\ngantry: nothing written`);
        exit(EXIT.failed);
        return;
      }
      for (const warning of result.warnings) io.err(`gantry: warning: ${warning}`);
      const write = options.write && !options.check;
      const written = write ? await writeRepoFiles(options.repo, result.files) : [];
      if (options.json) {
        io.out(
          json({
            ok: true,
            platform,
            origin: result.origin,
            upToDate: result.upToDate,
            written,
            warnings: result.warnings,
            images: result.jobs.map((j) => ({
              job: j.job,
              image: j.image,
              context: j.context,
              dockerfile: j.dockerfile,
            })),
            files: result.files,
          }),
        );
      } else {
        const count = `${result.jobs.length} image${result.jobs.length === 1 ? '' : 's'}`;
        for (const file of result.files) {
          if (!file.changed) io.err(`${file.path}: up to date (${count})`);
          else if (write) io.err(`wrote ${file.path} (${count})`);
          else if (options.check)
            io.err(`${file.path}: not up to date (${count}); run gantry ci render --write`);
          else {
            io.out(file.content);
            io.err(`${file.path}: would change (${count}); run with --write to write it`);
          }
        }
      }
      exit(options.check && !result.upToDate ? EXIT.failed : EXIT.ok);
    });
}

function parsePlatform(value: string): Platform {
  if ((PLATFORMS as readonly string[]).includes(value)) return value as Platform;
  throw new UsageError(
    `unknown platform "${value}"${didYouMean(value, PLATFORMS)}; expected one of: ${PLATFORMS.join(', ')}`,
  );
}
