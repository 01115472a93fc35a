/**
 * The shape rules: every member, type, enum and required member of a request structure as the installed
 * SDK declares it (shape.generated.ts for RegisterTaskDefinitionRequest, src/ecs/service-shape.generated.ts
 * for UpdateService's deployment settings). Unknown keys are reported with the nearest real key; wrong
 * types, enum values and missing required members too.
 */
import { escapePointer } from '../json/parse.js';
import type { ShapeRef, TaskDefinitionShape } from './shape.js';

type Report = (rule: string, pointer: string, message: string) => void;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = next;
    }
  }
  return row[b.length]!;
}

/** The real key a typo most likely meant: same letters in another case, the one it begins, or within a third of its length. */
export function nearest(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  // A name cut short (advancedConfig for advancedConfiguration).
  const longer = lower.length >= 5 ? candidates.filter((c) => c.toLowerCase().startsWith(lower)) : [];
  if (longer.length === 1) return longer[0];
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestScore) [best, bestScore] = [c, d];
  }
  return best !== undefined && bestScore <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

function describeRef(ref: ShapeRef): string {
  if (ref === 'integer') return 'a whole number';
  if (ref === 'number') return 'a number';
  if (ref === 'string') return 'a string';
  if (ref === 'boolean') return 'true or false';
  if (ref.startsWith('list:')) return 'a list';
  if (ref.startsWith('map:')) return 'an object of names to values';
  if (ref.startsWith('enum:')) return 'one of its values';
  return 'an object';
}

/**
 * Checks `value` at `pointer` against `ref`; nulls are left to the describe-output rule. `unknownKeys`
 * ends the message of a key the structure does not have (what becomes of it).
 */
export function checkShape(
  shape: TaskDefinitionShape,
  ref: ShapeRef,
  value: unknown,
  pointer: string,
  report: Report,
  unknownKeys = 'ECS refuses unknown keys.',
): void {
  if (value === null || value === undefined) return;
  const where = pointer || '/';
  if (ref === 'document') return;
  if (ref === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value))
      report(
        'shape-type',
        pointer,
        `${where} must be a number, not ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeName(value)}.`,
      );
    return;
  }
  if (ref === 'string') {
    if (typeof value !== 'string')
      report('shape-type', pointer, `${where} must be a string, not ${typeName(value)}.`);
    return;
  }
  if (ref === 'integer') {
    if (typeof value !== 'number' || !Number.isInteger(value))
      report(
        'shape-type',
        pointer,
        `${where} must be a whole number, not ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeName(value)}.`,
      );
    return;
  }
  if (ref === 'boolean') {
    if (typeof value !== 'boolean')
      report(
        'shape-type',
        pointer,
        `${where} must be true or false, not ${typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeName(value)}.`,
      );
    return;
  }
  if (ref.startsWith('enum:')) {
    const values = shape.enums[ref.slice(5)] ?? [];
    if (typeof value !== 'string') {
      report('shape-type', pointer, `${where} must be one of ${values.join(', ')}, not ${typeName(value)}.`);
    } else if (!values.includes(value)) {
      const cased = values.find((v) => v.toLowerCase() === value.toLowerCase());
      const near = cased ?? nearest(value, values);
      report(
        'shape-enum',
        pointer,
        `${where} is ${JSON.stringify(value)}, which ECS does not know: it takes ${values.join(', ')}${cased ? ` (did you mean ${JSON.stringify(cased)}? values are case-sensitive)` : near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}.`,
      );
    }
    return;
  }
  if (ref.startsWith('list:')) {
    if (!Array.isArray(value)) {
      report('shape-type', pointer, `${where} must be a list (a JSON array), not ${typeName(value)}.`);
      return;
    }
    value.forEach((item, i) => checkShape(shape, ref.slice(5), item, `${pointer}/${i}`, report, unknownKeys));
    return;
  }
  const isObject = typeof value === 'object' && !Array.isArray(value);
  if (ref.startsWith('map:')) {
    if (!isObject) {
      report('shape-type', pointer, `${where} must be ${describeRef(ref)}, not ${typeName(value)}.`);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      checkShape(shape, ref.slice(4), v, `${pointer}/${escapePointer(k)}`, report, unknownKeys);
    return;
  }
  const name = ref.slice(7);
  const struct = shape.structs[name]!;
  if (!isObject) {
    report('shape-type', pointer, `${where} must be an object (${name}), not ${typeName(value)}.`);
    return;
  }
  const members = Object.keys(struct.members);
  const object = value as Record<string, unknown>;
  for (const [key, member] of Object.entries(object)) {
    const ref = Object.hasOwn(struct.members, key) ? struct.members[key] : undefined;
    const at = `${pointer}/${escapePointer(key)}`;
    if (ref === undefined) {
      const near = nearest(key, members);
      report(
        'shape-unknown-key',
        at,
        `${JSON.stringify(key)} is not a member of ${name}${near ? `: did you mean ${JSON.stringify(near)}?` : '.'} ${unknownKeys}`,
      );
      continue;
    }
    if (struct.deprecated.includes(key))
      report('shape-deprecated', at, `${key} is deprecated in the ECS API (${name}); plan to move off it.`);
    checkShape(shape, ref, member, at, report, unknownKeys);
  }
  for (const key of struct.required) {
    if (object[key] === undefined)
      report('shape-required', pointer, `${where} (${name}) needs ${JSON.stringify(key)}.`);
  }
  if (struct.union && Object.keys(object).filter((k) => struct.members[k]).length > 1)
    report('shape-type', pointer, `${where} (${name}) takes exactly one of ${members.join(', ')}.`);
}
