/**
 * Whether a task definition file says the same as a registered revision. ECS fills in defaults when it
 * registers (essential, container cpu, empty lists, port protocol, awsvpc host ports, cpu/memory in
 * units), so both sides are brought to that form before comparing; key order does not matter.
 */
type Json = Record<string, unknown>;

export function cpuUnits(v: unknown): string {
  const m = /^\s*([\d.]+)\s*vcpu\s*$/i.exec(String(v));
  return m ? String(Math.round(Number(m[1]) * 1024)) : String(v);
}
export function memoryMiB(v: unknown): string {
  const m = /^\s*([\d.]+)\s*gb\s*$/i.exec(String(v));
  return m ? String(Math.round(Number(m[1]) * 1024)) : String(v);
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
