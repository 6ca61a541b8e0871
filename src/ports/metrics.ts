/** What canary analysis needs from a metrics backend (Prometheus and compatibles). */

export interface TimeRange {
  start: Date;
  end: Date;
  /** Resolution in seconds. */
  stepSeconds: number;
}

export interface RangeQuery extends TimeRange {
  query: string;
  /** Aborted when the caller stops waiting (the analysis' time budget is spent). */
  signal?: AbortSignal;
}

/** One time series: its labels and [unix seconds, value] samples. NaN and ±Infinity are kept. */
export interface Series {
  labels: Record<string, string>;
  samples: Array<[number, number]>;
}

export interface Metrics {
  /**
   * Evaluates a PromQL expression over a range. Throws MetricsError (with Prometheus'
   * `errorType`) when the backend refuses, fails or times out.
   */
  queryRange(request: RangeQuery): Promise<Series[]>;
  /** Evaluates a PromQL expression at one instant (a range selector gives its raw samples). */
  queryInstant(query: string, at: Date, options?: { signal?: AbortSignal }): Promise<Series[]>;
  /** A link to the backend's graph page showing these queries over this window, for humans. */
  graphUrl(queries: readonly string[], range: TimeRange): string;
}
