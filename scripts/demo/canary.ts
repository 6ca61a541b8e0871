/**
 * `npm run demo:canary`: the canary analysis on sample data, nothing to set up but Debian's
 * `prometheus` package (promtool too). Backfills examples/canary/sample-series.om into a
 * fresh TSDB with `promtool tsdb create-blocks-from openmetrics`, starts Prometheus on a free
 * loopback port, runs the built `gantry analyze --prometheus <it>` for both example apps
 * (no credentials: the file's are for its own Prometheus) and prints the reports.
 * Exits 0 when both verdicts came out (web passes, checkout fails), else gantry's error code.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startPrometheusWith } from '../../test/support/prometheus.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = `${root}examples/canary`;
/** The sample series end here (see scripts/demo/sample-series.ts). */
const END = '2024-01-01T10:30:00Z';

for (const tool of ['promtool', 'prometheus']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) {
    console.error(`demo:canary needs ${tool}: apt-get install prometheus (or sh scripts/setup.sh --test)`);
    process.exit(3);
  }
}

const prometheus = await startPrometheusWith(readFileSync(`${example}/sample-series.om`, 'utf8'));
console.log(`Prometheus with the sample series on ${prometheus.url}\n`);
const format = process.argv.includes('--markdown') ? '--markdown' : undefined;
let code = 0;
try {
  for (const [app, expected] of [
    ['web', 0],
    ['checkout', 1],
  ] as const) {
    const args = ['analyze', '--config', `${example}/.gantry.yml`, '--app', app, '--env', 'prod-canary'];
    args.push('--prometheus', prometheus.url, '--end', END, ...(format ? [format] : []));
    console.log(`$ gantry ${args.join(' ').replace(root, '')}`);
    const run = spawnSync(process.execPath, [`${root}bin/gantry.js`, ...args], {
      encoding: 'utf8',
      env: { ...process.env, PROMETHEUS_TOKEN: '' },
    });
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    console.log(`(exit ${run.status})\n`);
    if (run.status !== expected) code = run.status === 0 || run.status === 1 ? 1 : (run.status ?? 3);
  }
} finally {
  await prometheus.stop();
}
process.exit(code);
