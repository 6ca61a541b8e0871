import { describe, expect, it } from 'vitest';
import { canaryWarnings, loadConfig } from '../../../src/core/config/index.ts';
import { ConfigError } from '../../../src/core/errors.ts';

const config = (canary: string, environments = '') => `version: 1
${environments}canary:
  prometheus: http://prometheus:9090
  selectors: { canary: { track: canary }, baseline: { track: stable } }
${canary}`;

const load = (text: string) => loadConfig({ file: '.gantry.yml', content: text });

describe('canary timing checks in config validate', () => {
  it("refuses a step longer than the window, also an environment's, with the line", async () => {
    const top = load(
      config('  window: 5m\n  step: 10m\n  metrics: [{ name: l, query: "max(x{SELECTOR})" }]\n'),
    );
    await expect(top).rejects.toThrow(ConfigError);
    await expect(top).rejects.toThrow(
      /\.gantry\.yml:6:\d+: canary\.step: step 10m is longer than the window 5m; a window holds at least one step/,
    );
    const env = load(
      config(
        '  metrics: [{ name: l, query: "max(x{SELECTOR})" }]\n',
        'environments:\n  - name: staging\n    canary: { window: 1m, step: 2m }\n',
      ),
    );
    await expect(env).rejects.toThrow(
      /environments\[0\]\.canary\.step: step 2m is longer than the window 1m in staging/,
    );
  });

  it('warns when ranges are longer than the step, and when a window cannot reach minSamples', async () => {
    const loaded = await load(
      config(`  window: 30m
  step: 15s
  metrics:
    - name: latency
      query: histogram_quantile(0.99, sum by (le) (rate(h_bucket{SELECTOR}[1m])))
    - name: slow
      query: max(rate(x{SELECTOR}[10m]))
    - name: gauge
      query: max(g{SELECTOR})
`),
    );
    expect(canaryWarnings(loaded)).toEqual([
      {
        path: ['canary', 'metrics', 0, 'query'],
        message:
          'ranges of 1m are longer than the step 15s: consecutive steps are dependent, so the test uses one step in 4 (at most 31 samples); a step as long as the range loses nothing',
      },
      {
        path: ['canary', 'metrics', 1, 'query'],
        message:
          'ranges of 10m are longer than the step 15s: consecutive steps are dependent, so the test uses one step in 40 (at most 4 samples); a step as long as the range loses nothing',
      },
      {
        path: ['canary', 'metrics', 1, 'name'],
        message:
          'window 30m at step 15s gives at most 4 independent samples, fewer than minSamples (10): this metric is always inconclusive',
      },
    ]);
  });

  it('warns about a short window in an environment, and about ratios counted approximately', async () => {
    const loaded = await load(
      config(
        `  metrics:
    - name: errors
      ratio: { numerator: 'sum(increase(e{SELECTOR}[1m])) - sum(increase(f{SELECTOR}[1m]))', denominator: 'sum(increase(r{SELECTOR}[1m]))' }
    - name: exact
      ratio: { numerator: 'sum(increase(e{SELECTOR}[1m]))', denominator: 'sum(rate(r{SELECTOR}[1m]))' }
`,
        'environments:\n  - name: staging\n    canary: { window: 5m }\n',
      ),
    );
    expect(canaryWarnings(loaded).map((w) => [w.path.join('.'), w.message])).toEqual([
      [
        'canary.metrics.0.ratio',
        "numerator or denominator is not a counter's increase or rate (sum(increase(x{SELECTOR}[1m]))): its counts are per-step sums, approximate, and the rate-ratio test may fail too often",
      ],
      [
        'canary.metrics.0.name',
        'window 5m at step 1m in staging gives at most 6 samples, fewer than minSamples (10): this metric is always inconclusive',
      ],
      [
        'canary.metrics.1.name',
        'window 5m at step 1m in staging gives at most 6 samples, fewer than minSamples (10): this metric is always inconclusive',
      ],
    ]);
  });

  it('the example configuration has no warnings', async () => {
    const { readFileSync } = await import('node:fs');
    const loaded = await load(readFileSync('examples/.gantry.yml', 'utf8'));
    expect(canaryWarnings(loaded)).toEqual([]);
  });
});
