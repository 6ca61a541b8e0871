/** Exit codes, the same for every command (documented in README). */
export const EXIT = {
  ok: 0,
  /** Invalid input, failed check or failed analysis. */
  failed: 1,
  /** `analyze`: not enough data to decide. */
  inconclusive: 2,
  /** Something broke: network, permissions, a bug. */
  error: 3,
  /** The command line itself is wrong. */
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
