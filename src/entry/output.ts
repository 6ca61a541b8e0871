/**
 * Exit codes, the same for every command (docs/cli.md; test/cli/exit-codes.test.ts runs every
 * command over its error cases).
 */
export const EXIT = {
  ok: 0,
  /** Refused (downgrade, unknown order, freeze, …), invalid input, failed check or failed canary. */
  failed: 1,
  /** `analyze`: not enough data to decide. */
  inconclusive: 2,
  /** Something broke: network, permissions, a bug; `analyze`: anything that stops the analysis. */
  error: 3,
  /** The command line itself is wrong: options, values, names that are not in the configuration. */
  usage: 64,
} as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
