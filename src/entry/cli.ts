import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import {
  ConfigError,
  GantryError,
  NotFoundError,
  type Permit,
  RefusedError,
  UsageError,
  ValidationError,
} from '../core/errors.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerCi } from './commands/ci.ts';
import { registerConfig } from './commands/config.ts';
import { registerPromote } from './commands/promote.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import { EXIT, type Io, json, processIo } from './output.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** How to ask for a refused move explicitly, on the command line. */
const PERMIT_HINT: Record<Permit, string> = {
  downgrade: 'pass --allow-downgrade to roll back',
  unordered: 'pass --allow-unordered if you know the move is right',
  freeze: 'pass --ignore-freeze to promote anyway',
};

/** Builds the `gantry` command tree. Each command module registers itself; this file only wires. */
export function buildCli(io: Io, exit: (code: number) => void): Command {
  const program = new Command('gantry')
    .description('GitOps delivery bot for GitHub and GitLab: build, promote, verify, command')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  registerConfig(program, io, exit);
  registerPromote(program, io, exit);
  registerServe(program, io, exit);
  registerStatus(program, io, exit);
  registerCi(program, io, exit);
  registerAnalyze(program, io, exit);
  return program;
}

/** Runs the CLI and resolves with the exit code (the process exits in `main` only). */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildCli(io, (c) => {
    code = c;
  });
  // With --json, an error is also a JSON document on stdout, whatever the command.
  const asJson = argv.includes('--json');
  const report = (error: GantryError, message: string) => {
    io.err(`gantry: ${message}`);
    if (asJson) io.out(json({ error: { code: error.code, message } }));
  };
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      report(error, error.message);
      return EXIT.usage;
    }
    if (error instanceof RefusedError) {
      report(error, `${error.message}${error.permit ? `; ${PERMIT_HINT[error.permit]}` : ''}`);
      return EXIT.failed;
    }
    if (error instanceof GantryError) {
      report(error, error.message);
      // Bad input (a file, a manifest, a config) is the user's to fix: 1. Anything else broke: 3.
      const invalid =
        error instanceof NotFoundError || error instanceof ValidationError || error instanceof ConfigError;
      return invalid ? EXIT.failed : EXIT.error;
    }
    io.err(`gantry: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.error;
  }
}
