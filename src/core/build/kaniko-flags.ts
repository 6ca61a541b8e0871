import { DOMAIN_PATTERN } from './image-ref.ts';

/**
 * The Kaniko flags the `extra-args` input may pass, and the values each takes. An allowlist,
 * because the rest are gantry's to set (`--destination`, `--context`, `--no-push`, …) or
 * would point the build at files or credentials gantry does not control. Every item is one
 * argument written `--flag` or `--flag=value`. Expressions are POSIX ERE and JavaScript
 * (the job script checks the same ones with `grep -E`), without "'" (they are single-quoted
 * in the script).
 */
export interface KanikoFlag {
  flag: string;
  /** A switch: `--flag`, `--flag=true` or `--flag=false`. */
  bool?: true;
  /** One of these values. */
  values?: readonly string[];
  /** Anchored-by-us expression the value must match, and how to say what it is. */
  ere?: string;
  expected?: string;
}

const COUNT = '(0|[1-9][0-9]{0,2})';
const DURATION = '([0-9]+(ns|us|ms|s|m|h))+';
const PLATFORM = 'linux/(amd64|arm64|arm|386|ppc64le|s390x|riscv64)(/v[5-8])?';
const ABSOLUTE_PATH = '/[A-Za-z0-9._/@+-]*';

export const KANIKO_FLAGS: readonly KanikoFlag[] = [
  { flag: 'cache-copy-layers', bool: true },
  { flag: 'cache-run-layers', bool: true },
  { flag: 'cache-ttl', ere: DURATION, expected: 'a duration such as 24h or 90m' },
  { flag: 'cleanup', bool: true },
  { flag: 'compressed-caching', bool: true },
  { flag: 'compression', values: ['gzip', 'zstd'] },
  { flag: 'compression-level', ere: '([0-9]|1[0-9]|2[0-2])', expected: 'a level from 0 to 22' },
  { flag: 'custom-platform', ere: PLATFORM, expected: 'a platform such as linux/arm64' },
  { flag: 'ignore-path', ere: ABSOLUTE_PATH, expected: 'an absolute path' },
  { flag: 'image-download-retry', ere: COUNT, expected: 'a number up to 999' },
  { flag: 'image-fs-extract-retry', ere: COUNT, expected: 'a number up to 999' },
  { flag: 'insecure', bool: true },
  { flag: 'insecure-pull', bool: true },
  { flag: 'insecure-registry', ere: DOMAIN_PATTERN, expected: 'a registry host[:port]' },
  { flag: 'log-format', values: ['text', 'color', 'json'] },
  { flag: 'log-timestamp', bool: true },
  { flag: 'push-retry', ere: COUNT, expected: 'a number up to 999' },
  { flag: 'reproducible', bool: true },
  { flag: 'single-snapshot', bool: true },
  { flag: 'skip-push-permission-check', bool: true },
  { flag: 'skip-tls-verify', bool: true },
  { flag: 'skip-tls-verify-pull', bool: true },
  { flag: 'skip-tls-verify-registry', ere: DOMAIN_PATTERN, expected: 'a registry host[:port]' },
  { flag: 'skip-unused-stages', bool: true },
  { flag: 'snapshot-mode', values: ['full', 'redo', 'time'] },
  { flag: 'use-new-run', bool: true },
  { flag: 'verbosity', values: ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
];

const byFlag = new Map(KANIKO_FLAGS.map((f) => [f.flag, f]));
const compiled = new Map(
  KANIKO_FLAGS.flatMap((f) => (f.ere ? [[f.flag, new RegExp(`^(${f.ere})$`)] as const] : [])),
);

/** Why `arg` may not be passed with `extra-args`, or undefined when it may. */
export function extraArgProblem(arg: string): string | undefined {
  const shown = JSON.stringify(arg);
  const match = /^--([a-z][a-z-]*)(=(.*))?$/s.exec(arg);
  const spec = match ? byFlag.get(match[1]!) : undefined;
  if (!match || !spec) {
    return `${shown} is not one of the Kaniko flags extra-args allows (--${KANIKO_FLAGS.map((f) => f.flag).join(', --')})`;
  }
  const value = match[3];
  if (spec.bool) {
    return value === undefined || value === 'true' || value === 'false'
      ? undefined
      : `${shown}: --${spec.flag} takes no value, or =true / =false`;
  }
  if (value === undefined) return `${shown}: write --${spec.flag}=VALUE as one item`;
  if (spec.values) {
    return spec.values.includes(value) ? undefined : `${shown}: expected one of ${spec.values.join(', ')}`;
  }
  return compiled.get(spec.flag)!.test(value) ? undefined : `${shown}: expected ${spec.expected}`;
}

/**
 * The job script's check of one item, as `case` branches over "$1" (rendered into
 * ci-src/partials/kaniko-build.sh.hbs), from the same table.
 */
export function extraArgShellCases(): string[] {
  return KANIKO_FLAGS.map((f) => {
    const name = `--${f.flag}`;
    if (f.bool) return `${name} | ${name}=true | ${name}=false) ;;`;
    if (f.values) return `${f.values.map((v) => `${name}=${v}`).join(' | ')}) ;;`;
    if (f.ere!.includes("'")) throw new Error(`flag ${name}: expression must not contain "'"`);
    return `${name}=*) gantry_ere "\${1#*=}" '^(${f.ere})$' || gantry_bad_arg "$1" '${f.expected}' ;;`;
  });
}
