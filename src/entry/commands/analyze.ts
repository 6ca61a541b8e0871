import { type Command, Option } from 'commander';
import { diskExtendsResolver, readConfigFile } from '../../adapters/local/config-files.ts';
import { PrometheusMetrics } from '../../adapters/prometheus/client.ts';
import { prometheusOptions } from '../../adapters/prometheus/options.ts';
import { analyze } from '../../app/analyze.ts';
import { formatDuration, formatNumber, formatPercent, formatShare } from '../../core/canary/format.ts';
import { renderReport } from '../../core/canary/report.ts';
import type { AnalysisResult } from '../../core/canary/types.ts';
import { loadConfig } from '../../core/config/index.ts';
import { GantryError, UsageError, ValidationError } from '../../core/errors.ts';
import { systemClock } from '../../ports/clock.ts';
import { EXIT, type Io, json } from '../output.ts';

interface AnalyzeOptions {
  app: string;
  env: string;
  config: string;
  prometheus?: string;
  window?: string;
  end?: string;
  json?: boolean;
  markdown?: boolean;
}

const EXIT_BY_VERDICT = { pass: EXIT.ok, fail: EXIT.failed, inconclusive: EXIT.inconclusive } as const;

export function registerAnalyze(program: Command, io: Io, exit: (code: number) => void): void {
  program
    .command('analyze')
    .description('canary analysis from Prometheus (exit 0 pass, 1 fail, 2 inconclusive, 3 error)')
    .requiredOption('--app <name>', 'the app to analyse (its {app} in the selectors)')
    .requiredOption('--env <name>', 'environment or target (its {env} in the selectors)')
    .option('--config <file>', 'configuration file with a canary: section', '.gantry.yml')
    .option('--prometheus <url>', 'Prometheus base URL, instead of canary.prometheus')
    .option('--window <duration>', 'window length such as 30m (default: the environment or canary setting)')
    .option('--end <time>', 'end of the window: RFC 3339 (2024-01-01T10:30:00Z) or unix seconds; default now')
    .addOption(new Option('--json', 'machine-readable result').conflicts('markdown'))
    .addOption(new Option('--markdown', 'the report as posted on a pull/merge request'))
    .action(async (options: AnalyzeOptions) => {
      const end = options.end === undefined ? undefined : parseEnd(options.end);
      if (options.window !== undefined && !/^[1-9][0-9]*[smhd]$/.test(options.window)) {
        throw new UsageError(`--window "${options.window}" is not a duration such as "30m"`);
      }
      try {
        const config = await loadConfig(
          await readConfigFile(options.config),
          diskExtendsResolver(options.config),
        );
        if (!config.canary) throw new ValidationError(`${options.config} has no "canary:" section`);
        const metrics = new PrometheusMetrics(
          prometheusOptions(
            forUrl(config.canary.prometheus, options.prometheus),
            process.env,
            options.prometheus,
          ),
        );
        const result = await analyze({
          metrics,
          config,
          app: options.app,
          environment: options.env,
          clock: systemClock,
          ...(end ? { end } : {}),
          ...(options.window ? { window: options.window } : {}),
        });
        if (options.json) io.out(json(withoutPoints(result)));
        else if (options.markdown) io.out(renderReport(result));
        else io.out(text(result));
        exit(EXIT_BY_VERDICT[result.verdict]);
      } catch (error) {
        // Anything that stops the analysis is an error (3), never a verdict: a missing file
        // must not read as a failed canary (1).
        if (error instanceof UsageError || !(error instanceof GantryError)) throw error;
        io.err(`gantry analyze: ${error.message}`);
        if (options.json) io.out(json({ error: { code: error.code, message: error.message } }));
        exit(EXIT.error);
      }
    });
}

type PrometheusSetting = NonNullable<Awaited<ReturnType<typeof loadConfig>>['canary']>['prometheus'];

/**
 * The file's credentials are for the Prometheus the file names: with `--prometheus` at
 * another origin (a port-forward, a local Prometheus) they are neither demanded nor sent.
 */
function forUrl(setting: PrometheusSetting, override: string | undefined): PrometheusSetting {
  if (override === undefined || typeof setting === 'string' || !('auth' in setting)) return setting;
  const origin = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);
  if (origin(override) === origin(setting.url)) return setting;
  const { auth: _, ...rest } = setting;
  return rest as PrometheusSetting;
}

function parseEnd(text: string): Date {
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
  const at = Date.parse(text);
  if (!rfc3339.test(text) || Number.isNaN(at)) {
    throw new UsageError(`--end "${text}" is not a time such as 2024-01-01T10:30:00Z or unix seconds`);
  }
  return new Date(at);
}

/** Series points are for the chart; JSON readers get the numbers. */
function withoutPoints(result: AnalysisResult) {
  return { ...result, metrics: result.metrics.map(({ points: _, ...metric }) => metric) };
}

function text(result: AnalysisResult): string {
  const lines = [
    `${result.verdict}: ${result.app} in ${result.environment}: ${result.summary}`,
    `window ${result.window.start} → ${result.window.end} (${formatDuration(result.window.seconds)}, step ${formatDuration(result.window.stepSeconds)}), ${formatShare(result.confidence)} intervals`,
  ];
  for (const m of result.metrics) {
    const value = (v: number | null) =>
      v === null ? '-' : m.kind === 'ratio' ? formatPercent(v).replace(/^\+/, '') : formatNumber(v);
    lines.push(
      `  ${m.verdict.padEnd(12)} ${m.name}${m.critical ? ' (critical)' : ''}: baseline ${value(m.baseline)}, canary ${value(m.canary)}; ${m.reason}`,
    );
  }
  return lines.join('\n');
}
