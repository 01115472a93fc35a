/**
 * Image Builder semantic versions (<major>.<minor>.<patch>[/<build>]). Amazon's images use dates
 * (2025.1.29), so nodes compare as numbers, never as strings: 2025.10.3 is newer than 2025.9.2.
 */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  build?: number;
}

export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) return undefined;
  const v: Version = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  if (m[4] !== undefined) v.build = Number(m[4]);
  return v;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || (a.build ?? 0) - (b.build ?? 0);
}

/** The newest of some version strings (unparseable ones are ignored); undefined when none parse. */
export function newest(versions: readonly string[]): string | undefined {
  let best: { text: string; v: Version } | undefined;
  for (const text of versions) {
    const v = parseVersion(text);
    if (v && (!best || compareVersions(v, best.v) > 0)) best = { text, v };
  }
  return best?.text;
}

/** The next recipe version after all existing ones: the newest with its patch node plus one. */
export function nextPatch(existing: readonly string[]): string {
  const top = newest(existing);
  if (!top) return '1.0.0';
  const v = parseVersion(top)!;
  return `${v.major}.${v.minor}.${v.patch + 1}`;
}
