/** Tiny benchmark helpers: warm up, then the median of repeated runs (noisy machines). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median milliseconds of `fn` over `runs` runs, after `warmup` untimed runs. */
export function time(fn: () => unknown, runs = 15, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export function report(name: string, subject: number, baselineName: string, baseline: number): void {
  const ratio = subject / baseline;
  console.log(
    `${name}: gantry ${subject.toFixed(2)} ms, ${baselineName} ${baseline.toFixed(2)} ms, ratio ${ratio < 0.01 ? ratio.toPrecision(2) : ratio.toFixed(3)}× (lower is faster)`,
  );
}
