/** What changed between two task definitions, in the terms a reviewer cares about. */
import { cpuUnits, memoryMiB } from './compare.js';

type Json = Record<string, unknown>;

export function describeChanges(previous: Json | undefined, next: Json): string[] {
  if (!previous) return ['first revision of this family'];
  const out: string[] = [];
  const containers = (d: Json) =>
    new Map(((d['containerDefinitions'] as Json[] | undefined) ?? []).map((c) => [String(c['name']), c]));
  const before = containers(previous);
  const after = containers(next);
  for (const [name, c] of after) {
    const old = before.get(name);
    if (!old) {
      out.push(`container ${name} added (${String(c['image'])})`);
      continue;
    }
    if (old['image'] !== c['image'])
      out.push(`${name}: image ${String(old['image'])} → ${String(c['image'])}`);
    const env = (x: Json) =>
      new Map(
        ((x['environment'] as Json[] | undefined) ?? []).map((e) => [
          String(e['name']),
          String(e['value'] ?? ''),
        ]),
      );
    const e0 = env(old);
    const e1 = env(c);
    const added = [...e1.keys()].filter((k) => !e0.has(k));
    const removed = [...e0.keys()].filter((k) => !e1.has(k));
    const changed = [...e1.keys()].filter((k) => e0.has(k) && e0.get(k) !== e1.get(k));
    if (added.length || removed.length || changed.length) {
      out.push(
        `${name}: environment ${[...added.map((k) => `+${k}`), ...removed.map((k) => `-${k}`), ...changed.map((k) => `~${k}`)].join(' ')}`,
      );
    }
  }
  for (const name of before.keys()) if (!after.has(name)) out.push(`container ${name} removed`);
  // cpu and memory as ECS stores them (units, MiB), so "0.25 vCPU" and "256" are the same.
  const unit = (key: string, v: unknown) =>
    v === undefined ? '(none)' : key === 'cpu' ? cpuUnits(v) : key === 'memory' ? memoryMiB(v) : String(v);
  for (const key of ['cpu', 'memory', 'taskRoleArn', 'executionRoleArn']) {
    const a = unit(key, previous[key]);
    const b = unit(key, next[key]);
    if (a !== b) out.push(`${key}: ${a} → ${b}`);
  }
  return out.length ? out : ['no change in images, environment, cpu/memory or roles'];
}
