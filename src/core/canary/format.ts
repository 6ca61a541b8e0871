/** Number formats shared by reasons, reports and the CLI: short, sign-explicit, locale-free. */

/** About three significant digits, without trailing zeros: 0.0341, 0.25, 152, 1.23e+9. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e7 || size < 1e-4) return value.toExponential(2).replace(/\.?0+e/, 'e');
  if (size >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

export function formatSigned(value: number): string {
  const text = formatNumber(value);
  return value > 0 ? `+${text}` : text;
}

/** A fraction as a signed percentage: 0.234 → "+23.4%", Infinity → "+∞%". */
export function formatPercent(fraction: number): string {
  if (Number.isNaN(fraction)) return 'n/a';
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞%' : '-∞%';
  const percent = fraction * 100;
  const text = Math.abs(percent) >= 100 ? Math.round(percent).toString() : percent.toFixed(1);
  return `${percent > 0 && text !== '0.0' ? '+' : ''}${text === '-0.0' ? '0.0' : text}%`;
}

/** A share of a whole: 0.4 → "40%". */
export function formatShare(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatPValue(p: number): string {
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

/** Seconds as the largest whole unit: 1800 → "30m", 90 → "90s". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
