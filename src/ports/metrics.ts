/** What canary analysis needs from a metrics backend (Prometheus and compatibles). */

export interface TimeRange {
  start: Date;
  end: Date;
  /** Resolution in seconds. */
  stepSeconds: number;
}

export interface RangeQuery extends TimeRange {
  query: string;
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
  /** Evaluates a PromQL expression at one instant. */
  queryInstant(query: string, at: Date): Promise<Series[]>;
  /** A link to the backend's graph page showing these queries over this window, for humans. */
  graphUrl(queries: readonly string[], range: TimeRange): string;
}
