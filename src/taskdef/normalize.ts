/**
 * Turns what users keep in their repositories into a RegisterTaskDefinition request, as the official
 * deploy action does and without its surprises: a describe-task-definition result is unwrapped, the
 * eight fields only DescribeTaskDefinition returns are stripped (one warning each), nulls are dropped,
 * and an environment variable whose value is empty or null keeps its empty value. Unknown keys are left
 * for the service to judge: rejecting them here broke users whenever ECS added a field.
 */
export const DESCRIBE_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

export interface Normalized {
  definition: Record<string, unknown>;
  /** One sentence per change made, for the log. */
  warnings: string[];
}

function dropNulls(value: unknown, path: string, dropped: string[]): unknown {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => {
      if (v === null || v === undefined) {
        dropped.push(`${path}/${i}`);
        return [];
      }
      return [dropNulls(v, `${path}/${i}`, dropped)];
    });
  }
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // environment: [{ "name": "EMPTY", "value": null }] means an empty variable, not a missing one.
    if (v === null && k === 'value' && /\/environment\/\d+$/.test(path)) {
      out[k] = '';
      continue;
    }
    if (v === null || v === undefined) {
      dropped.push(`${path}/${k}`);
      continue;
    }
    out[k] = dropNulls(v, `${path}/${k}`, dropped);
  }
  return out;
}

export function normalizeTaskDefinition(input: unknown): Normalized {
  const warnings: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError('a task definition is a JSON object');
  }
  let definition = input as Record<string, unknown>;
  const wrapped = definition['taskDefinition'];
  if (
    typeof wrapped === 'object' &&
    wrapped !== null &&
    !Array.isArray(wrapped) &&
    !('family' in definition)
  ) {
    warnings.push('The file holds a describe-task-definition result; using its "taskDefinition".');
    const tags = definition['tags'];
    definition = {
      ...(wrapped as Record<string, unknown>),
      ...(Array.isArray(tags) && tags.length ? { tags } : {}),
    };
  }
  const stripped: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(definition)) {
    if ((DESCRIBE_ONLY_FIELDS as readonly string[]).includes(k)) {
      warnings.push(
        `Ignoring "${k}": DescribeTaskDefinition returns it, RegisterTaskDefinition does not take it.`,
      );
      continue;
    }
    stripped[k] = v;
  }
  const dropped: string[] = [];
  const cleaned = dropNulls(stripped, '', dropped) as Record<string, unknown>;
  if (dropped.length > 0) warnings.push(`Dropped null values at ${dropped.join(', ')}.`);
  return { definition: cleaned, warnings };
}
