import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatStatus, statusFiles, statusMatrix } from '../../core/promote/status.ts';
import { EXIT, type Io, json } from '../output.ts';
import { loadRepoConfig } from './repo-config.ts';
import { parseRepoDir, WorkingTrees } from './repo-dirs.ts';

export function registerStatus(program: Command, io: Io, exit: (code: number) => void): void {
  program
    .command('status')
    .description('print the app × environment/target version matrix of a GitOps repository')
    .option('--repo <dir>', 'GitOps repository checkout', '.')
    .option('--config <file>', 'configuration file (default: <repo>/.gantry.yml)')
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
        const snapshot = await new WorkingTrees(dir, options.repoDir).readFiles(statusFiles(config));
        const matrix = statusMatrix(config, snapshot.files);
        io.out(options.json ? json(matrix) : formatStatus(matrix));
        exit(EXIT.ok);
      },
    );
}
