/**
 * Whether a task definition file says the same as a registered revision. ECS fills in defaults when it
 * registers (essential, container cpu, empty lists, port protocol, awsvpc host ports, cpu/memory in
 * units), so both sides are brought to that form before comparing; key order does not matter.
 */
import { cpuUnits as units, memoryMiB as mib } from './sizes.js';

type Json = Record<string, unknown>;

/** Task cpu as ECS registers it: units, as a string (a value that is not a size is kept as it is). */
export function cpuUnits(v: unknown): string {
  return String(units(v) ?? v);
}
/** Task memory as ECS registers it: MiB, as a string (a value that is not a size is kept as it is). */
export function memoryMiB(v: unknown): string {
  return String(mib(v) ?? v);
}

const EMPTY_LISTS = ['environment', 'mountPoints', 'volumesFrom', 'systemControls', 'portMappings'];

function container(c: Json, networkMode: unknown): Json {
  const out: Json = { cpu: 0, essential: true, ...c };
  for (const key of EMPTY_LISTS) if (out[key] === undefined) out[key] = [];
  out['portMappings'] = (out['portMappings'] as Json[]).map((p) => ({
    ...p,
    protocol: p['protocol'] ?? 'tcp',
    ...(networkMode === 'awsvpc' || networkMode === 'host'
      ? { hostPort: p['hostPort'] ?? p['containerPort'] }
      : {}),
  }));
  // Environment order is not meaningful to ECS.
  out['environment'] = [...(out['environment'] as Json[])].sort((a, b) =>
    String(a['name']).localeCompare(String(b['name'])),
  );
  return out;
}

export function comparable(definition: Json): Json {
  const out: Json = { ...definition };
  for (const key of ['volumes', 'placementConstraints']) if (out[key] === undefined) out[key] = [];
  if (out['cpu'] !== undefined) out['cpu'] = cpuUnits(out['cpu']);
  if (out['memory'] !== undefined) out['memory'] = memoryMiB(out['memory']);
  out['containerDefinitions'] = ((out['containerDefinitions'] as Json[] | undefined) ?? []).map((c) =>
    container(c, out['networkMode']),
  );
  delete out['tags'];
  return out;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Json)[k])]),
  );
}

export function sameTaskDefinition(local: Json, registered: Json): boolean {
  return JSON.stringify(canonical(comparable(local))) === JSON.stringify(canonical(comparable(registered)));
}
