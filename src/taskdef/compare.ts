/**
 * Whether a task definition file says the same as a registered revision: both sides are brought to the
 * form ECS stores (`asStored`: defaults filled in, sets sorted, cpu/memory in units), then compared with
 * key order ignored.
 */
import { asStored } from './stored.js';

type Json = Record<string, unknown>;

export { cpuUnits, memoryMiB } from './stored.js';

/** The form both sides are compared in (the one normalisation, `asStored`). */
export function comparable(definition: Json): Json {
  return asStored(definition);
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
