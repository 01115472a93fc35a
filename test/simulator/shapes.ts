/**
 * Request checking as AWS's front end does it: required members, lengths, ranges, enums and patterns,
 * answered with ValidationException in AWS's own wording ("1 validation error detected: Value ... at
 * 'registryIds.1.member' failed to satisfy constraint: ..."). Shapes are written here from the API
 * models' facts, one per operation the simulator serves.
 */
export type Shape =
  | { type: 'structure'; members: Record<string, Shape>; required?: readonly string[] }
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: readonly string[] }
  | { type: 'list'; member: Shape; min?: number; max?: number }
  | { type: 'map'; key: Shape; value: Shape; min?: number; max?: number }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'any' };

export const str = (o: Omit<Extract<Shape, { type: 'string' }>, 'type'> = {}): Shape => ({
  type: 'string',
  ...o,
});
export const int = (o: Omit<Extract<Shape, { type: 'integer' }>, 'type'> = {}): Shape => ({
  type: 'integer',
  ...o,
});
export const list = (member: Shape, o: { min?: number; max?: number } = {}): Shape => ({
  type: 'list',
  member,
  ...o,
});
export const struct = (members: Record<string, Shape>, required: readonly string[] = []): Shape => ({
  type: 'structure',
  members,
  required,
});
export const bool: Shape = { type: 'boolean' };
export const any: Shape = { type: 'any' };

export class SerializationError extends Error {}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => String(v)).join(', ')}]`;
  return String(value);
}

/**
 * One broken constraint: where (the member path, `a.b` and `list.1.member`), the value found, and what it
 * fails to satisfy. A missing required member has `missing` set and no value.
 */
export interface Problem {
  path: string;
  value?: unknown;
  missing?: true;
  constraint: string;
}

/** AWS's wording of one problem ("Value 'x' at 'a.b' failed to satisfy constraint: ..."). */
export function problemText(p: Problem, path = p.path): string {
  return `Value ${p.missing ? 'null' : `'${show(p.value)}'`} at '${path}' failed to satisfy constraint: ${p.constraint}`;
}

/** Returns AWS-style constraint messages; throws SerializationError when a value has the wrong JSON type. */
export function check(shape: Shape, value: unknown, path = ''): string[] {
  return findProblems(shape, value, path).map((p) => problemText(p));
}

/** The constraints `value` breaks, in order; throws SerializationError for a value of the wrong JSON type. */
export function findProblems(shape: Shape, value: unknown, path = ''): Problem[] {
  const problems: Problem[] = [];
  const fail = (constraint: string) => problems.push({ path, value, constraint });
  switch (shape.type) {
    case 'any':
    case 'timestamp':
      return problems;
    case 'boolean':
      if (typeof value !== 'boolean') throw new SerializationError(`Expected a boolean at '${path}'`);
      return problems;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new SerializationError(`NUMBER_VALUE can not be converted to an Integer at '${path}'`);
      }
      if (shape.min !== undefined && value < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return problems;
    case 'string': {
      if (typeof value !== 'string') throw new SerializationError(`Expected a string at '${path}'`);
      const inner: string[] = [];
      if (shape.min !== undefined && value.length < shape.min)
        inner.push(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        inner.push(`Member must have length less than or equal to ${shape.max}`);
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(value)) {
        inner.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum && !shape.enum.includes(value))
        inner.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (inner.length > 0) fail(inner.join(', '));
      return problems;
    }
    case 'list': {
      if (!Array.isArray(value))
        throw new SerializationError(`Start of list found where not expected at '${path}'`);
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      value.forEach((item, i) => {
        problems.push(...findProblems(shape.member, item, `${path}.${i + 1}.member`));
      });
      return problems;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SerializationError(`Start of structure or map found where not expected at '${path}'`);
      }
      for (const [k, v] of Object.entries(value)) {
        problems.push(
          ...findProblems(shape.key, k, `${path}.${k}.key`),
          ...findProblems(shape.value, v, `${path}.${k}.value`),
        );
      }
      return problems;
    }
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new SerializationError(
          `Start of structure or map found where not expected at '${path || 'input'}'`,
        );
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (record[name] === undefined || record[name] === null) {
          problems.push({
            path: path ? `${path}.${name}` : name,
            missing: true,
            constraint: 'Member must not be null',
          });
        }
      }
      for (const [name, member] of Object.entries(shape.members)) {
        const v = record[name];
        if (v === undefined || v === null) continue;
        problems.push(...findProblems(member, v, path ? `${path}.${name}` : name));
      }
      return problems;
    }
  }
}

export function validationMessage(problems: readonly string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}
