import { MetricsError } from '../../core/errors.ts';
import type { Series } from '../../ports/metrics.ts';

/**
 * Prometheus HTTP API answers (`/api/v1/query`, `/api/v1/query_range`) turned into Series,
 * checked field by field: anything else (an HTML error page, a proxy's JSON, a truncated
 * body) is a MetricsError('bad_response'), never an empty result that could read as "no data".
 */

export interface ApiError {
  errorType: string;
  error: string;
}

/** Prometheus' error envelope, if `body` is one. */
export function apiError(body: unknown): ApiError | undefined {
  if (!isObject(body) || body.status !== 'error') return undefined;
  return {
    errorType: typeof body.errorType === 'string' ? body.errorType : 'unknown',
    error: typeof body.error === 'string' ? body.error : 'no error message',
  };
}

export function parseQueryResponse(body: unknown): Series[] {
  if (!isObject(body) || body.status !== 'success' || !isObject(body.data)) {
    throw bad('expected {"status":"success","data":{…}}');
  }
  const { resultType, result } = body.data;
  switch (resultType) {
    case 'matrix':
      return asArray(result, 'data.result').map((item, i) => {
        const where = `data.result[${i}]`;
        if (!isObject(item)) throw bad(`${where} is not an object`);
        // Native histogram samples (`histograms`) have no single value; they are left out.
        const values = item.values === undefined ? [] : asArray(item.values, `${where}.values`);
        return {
          labels: labelsOf(item.metric, where),
          samples: values.map((v, j) => sample(v, `${where}.values[${j}]`)),
        };
      });
    case 'vector':
      return asArray(result, 'data.result').flatMap((item, i) => {
        const where = `data.result[${i}]`;
        if (!isObject(item)) throw bad(`${where} is not an object`);
        if (item.value === undefined) return [];
        return [{ labels: labelsOf(item.metric, where), samples: [sample(item.value, `${where}.value`)] }];
      });
    case 'scalar':
      return [{ labels: {}, samples: [sample(result, 'data.result')] }];
    default:
      throw bad(`unsupported resultType ${JSON.stringify(resultType)}; expected matrix, vector or scalar`);
  }
}

/** A sample is [unix seconds, "value"]; values are strings so that NaN and ±Inf survive JSON. */
function sample(value: unknown, where: string): [number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'number' ||
    typeof value[1] !== 'string'
  ) {
    throw bad(`${where} is not [time, "value"]`);
  }
  return [value[0], parseSampleValue(value[1], where)];
}

export function parseSampleValue(text: string, where = 'value'): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isNaN(value))
    throw bad(`${where} has the value ${JSON.stringify(text.slice(0, 40))}, not a number`);
  return value;
}

function labelsOf(metric: unknown, where: string): Record<string, string> {
  if (metric === undefined) return {};
  if (!isObject(metric)) throw bad(`${where}.metric is not an object`);
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw bad(`${where}.metric.${name} is not a string`);
    labels[name] = value;
  }
  return labels;
}

function asArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw bad(`${where} is not an array`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(detail: string): MetricsError {
  return new MetricsError(
    `Prometheus answered something that is not its API's JSON: ${detail}`,
    'bad_response',
  );
}
