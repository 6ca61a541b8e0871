import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One series to store: OpenMetrics family, labels and [unix seconds, value] samples. */
export interface SeriesSpec {
  family: string;
  type: 'gauge' | 'counter';
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const formatValue = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);

/** OpenMetrics text with timestamps, families contiguous, as promtool reads it. */
export function openMetrics(series: readonly SeriesSpec[]): string {
  const families = new Map<string, SeriesSpec[]>();
  for (const s of series) families.set(s.family, [...(families.get(s.family) ?? []), s]);
  const lines: string[] = [];
  for (const [family, members] of families) {
    lines.push(`# TYPE ${family} ${members[0]!.type}`);
    for (const s of members) {
      const name = s.type === 'counter' ? `${family}_total` : family;
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      for (const [t, v] of s.samples) lines.push(`${name}{${labels}} ${formatValue(v)} ${t}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real Prometheus (the Debian package, 2.42+) over TSDB blocks made from `series` by
 * `promtool tsdb create-blocks-from openmetrics`, on a free loopback port, with an empty
 * scrape configuration and a retention long enough for any fixed timestamp.
 */
export function startPrometheus(series: readonly SeriesSpec[]): Promise<RunningPrometheus> {
  return startPrometheusWith(openMetrics(series));
}

/** The same from OpenMetrics text (`# EOF`-terminated, with timestamps), e.g. a shipped file. */
export async function startPrometheusWith(text: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-prometheus-'));
  const data = join(dir, 'data');
  writeFileSync(join(dir, 'series.om'), text);
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'series.om'), data], {
    stdio: 'pipe',
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (c) => {
    log += c;
  });
  child.stderr?.on('data', (c) => {
    log += c;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`Prometheus did not become ready on ${url}:\n${log.slice(-2000)}`);
}
