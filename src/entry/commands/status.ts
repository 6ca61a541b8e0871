import { resolve } from 'node:path';
import type { Command } from 'commander';
import { describeFreeze, frozen } from '../../core/freeze/frozen.ts';
import { FREEZE_FILE, readFreezeState } from '../../core/freeze/state.ts';
import { environments } from '../../core/promote/environments.ts';
import { formatStatus, hasProblems, statusFiles, statusMatrix } from '../../core/promote/status.ts';
import { systemClock } from '../../ports/clock.ts';
import { EXIT, type Io, json } from '../output.ts';
import { loadRepoConfig } from './repo-config.ts';
import { parseRepoDir, WorkingTrees } from './repo-dirs.ts';

export function registerStatus(program: Command, io: Io, exit: (code: number) => void): void {
  program
    .command('status')
    .description(
      'print the app × environment/target version matrix of a GitOps repository and what is frozen (exit 1 when a file is missing)',
    )
    .option('--repo <dir>', 'GitOps repository checkout', '.')
    .option('--config <file>', 'configuration file, relative to --repo (default: .gantry.yml)')
    .option(
      '--repo-dir <repo=dir>',
      'checkout of another repository an environment lives in (repeatable)',
      parseRepoDir,
      new Map<string, string>(),
    )
    .option('--json', 'machine-readable matrix')
    .action(
      async (options: { repo: string; config?: string; json?: boolean; repoDir: Map<string, string> }) => {
        const dir = resolve(options.repo);
        const config = await loadRepoConfig(dir, options.config);
        const snapshot = await new WorkingTrees(dir, options.repoDir).readFiles([
          ...statusFiles(config),
          FREEZE_FILE,
        ]);
        const matrix = statusMatrix(config, snapshot.files);
        const state = readFreezeState(snapshot.files.get(FREEZE_FILE) ?? null);
        const now = systemClock.now();
        const freezes = environments(config).flatMap((env) => {
          const freeze = frozen(env, state, now);
          return freeze.frozen ? [{ environment: env.name, description: describeFreeze(freeze) }] : [];
        });
        if (options.json) io.out(json({ ...matrix, freezes }));
        else
          io.out(
            formatStatus(
              matrix,
              freezes.map((f) => `${f.environment}: ${f.description}`),
            ),
          );
        exit(hasProblems(matrix) ? EXIT.failed : EXIT.ok);
      },
    );
}
