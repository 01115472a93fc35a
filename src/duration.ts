/** Durations as the inputs write them (`90s`, `1h30m`) and as the logs print them. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `90s`, `30m`, `1h30m`, `500ms` into milliseconds; a bare number is refused (which unit?). */
export function parseDuration(raw: string): number | undefined {
  if (!/^(\d+(ms|s|m|h))+$/.test(raw)) return undefined;
  let total = 0;
  for (const m of raw.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s || parts.length === 0) parts.push(`${s}s`);
  return parts.join('');
}
