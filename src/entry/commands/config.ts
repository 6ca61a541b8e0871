import type { Command } from 'commander';
import { diskExtendsResolver, readConfigFile } from '../../adapters/local/config-files.ts';
import { canaryWarnings, configJsonSchema, loadConfig } from '../../core/config/index.ts';
import { formatPath } from '../../core/config/yaml-tree.ts';
import { ConfigError, formatIssue } from '../../core/errors.ts';
import { EXIT, type Io, json } from '../output.ts';

export function registerConfig(program: Command, io: Io, exit: (code: number) => void): void {
  const config = program.command('config').description('check and describe .gantry.yml');

  config
    .command('validate')
    .description('validate a configuration file and the chain it extends (exit 0 valid, 1 invalid)')
    .argument('[file]', 'configuration file', '.gantry.yml')
    .option('--json', 'machine-readable result')
    .action(async (file: string, options: { json?: boolean }) => {
      try {
        const loaded = await loadConfig(await readConfigFile(file), diskExtendsResolver(file));
        const summary = {
          environments: loaded.environments?.length ?? 0,
          apps: Object.keys(loaded.apps ?? {}).length,
          images: loaded.build?.images?.length ?? 0,
          metrics: loaded.canary?.metrics.length ?? 0,
        };
        // Valid but not doing what it seems to (canary timings): said, without failing.
        const warnings = canaryWarnings(loaded).map((w) => ({
          path: formatPath(w.path),
          message: w.message,
        }));
        if (options.json) io.out(json({ valid: true, file, issues: [], warnings, summary }));
        else {
          for (const w of warnings) io.out(`${file}: warning: ${w.path}: ${w.message}`);
          const parts = Object.entries(summary).map(([k, v]) => `${v} ${v === 1 ? k.replace(/s$/, '') : k}`);
          io.out(`${file}: valid (${parts.join(', ')})`);
        }
        exit(EXIT.ok);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (options.json) io.out(json({ valid: false, file, issues: error.issues }));
        else
          io.out(`${error.issues.map(formatIssue).join('\n')}\n${file}: ${error.issues.length} problem(s)`);
        exit(EXIT.failed);
      }
    });

  config
    .command('schema')
    .description('print the JSON Schema of .gantry.yml (for editors: yaml-language-server)')
    .action(() => {
      io.out(json(configJsonSchema()));
      exit(EXIT.ok);
    });
}
