/**
 * Task cpu and memory as task definitions write them and ECS takes them: CPU units ("1024") or vCPU
 * ("1 vCPU", ".25 vcpu"), MiB ("2048") or GB ("2 GB", "2GB", ".5 GB"). The one reader for the validator,
 * the comparison with a registered revision, and render-task-definition's inputs.
 */
import type { Problem } from '../errors.js';

const CPU = /^\s*(\d*\.?\d+)\s*(vcpu)?\s*$/i;
const MEMORY = /^\s*(\d*\.?\d+)\s*(gb)?\s*$/i;

export const CPU_ACCEPTED = 'CPU units (256, 1024 …) or vCPU (0.5 vCPU, .25 vCPU, 1 vcpu)';
export const MEMORY_ACCEPTED = 'MiB (512, 2048 …) or GB (2 GB, 2GB, .5 GB)';

function size(pattern: RegExp, v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = pattern.exec(v);
  if (!m) return undefined;
  // Without a unit it is whole CPU units or MiB: "0.5" is neither (0.5 vCPU? 0.5 GB?).
  if (!m[2] && !/^\d+$/.test(m[1]!)) return undefined;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** Task cpu in units: "1024", "1 vCPU", ".25 vcpu" (undefined when it is neither). */
export function cpuUnits(v: unknown): number | undefined {
  return size(CPU, v);
}

/** Task memory in MiB: "2048", "2 GB", "2GB", ".5 GB" (undefined when it is neither). */
export function memoryMiB(v: unknown): number | undefined {
  return size(MEMORY, v);
}

/** An input's task cpu, kept as written once it reads as units or vCPU. */
export function parseCpu(raw: string): string | Problem {
  return cpuUnits(raw) === undefined ? { problem: CPU_ACCEPTED } : raw;
}

/** An input's task memory, kept as written once it reads as MiB or GB. */
export function parseMemory(raw: string): string | Problem {
  return memoryMiB(raw) === undefined ? { problem: MEMORY_ACCEPTED } : raw;
}
