/**
 * Renders a task definition: images of one or several containers, environment variables and secrets
 * upserted or removed, log configuration, docker labels, command, task cpu/memory and roles. Pure: takes
 * a definition and changes, returns a new definition and what changed, for the log and the summary.
 */
import { UserError } from '../errors.js';

type Json = Record<string, unknown>;

export interface ContainerChanges {
  environment?: Record<string, string>;
  removeEnvironment?: string[];
  secrets?: Record<string, string>;
  removeSecrets?: string[];
  logConfiguration?: Json;
  dockerLabels?: Record<string, string>;
  command?: string[];
}

export interface RenderChanges {
  /** container name → image. */
  images: Record<string, string>;
  /** The container that container-level changes apply to (may be undefined when there is one container). */
  container?: string;
  containerChanges: ContainerChanges;
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
}

function upsertNamed(
  list: unknown,
  entries: Record<string, string>,
  valueKey: 'value' | 'valueFrom',
  remove: string[],
): Json[] {
  const current = Array.isArray(list) ? ([...list] as Json[]) : [];
  const kept = current.filter((e) => !remove.includes(String(e['name'])));
  for (const [name, value] of Object.entries(entries)) {
    const at = kept.findIndex((e) => e['name'] === name);
    const entry = { name, [valueKey]: value };
    if (at >= 0) kept[at] = { ...kept[at], ...entry };
    else kept.push(entry);
  }
  return kept;
}

function containerNames(definition: Json): string[] {
  return ((definition['containerDefinitions'] as Json[] | undefined) ?? []).map((c) => String(c['name']));
}

function unknownContainer(input: string, name: string, definition: Json): UserError {
  return new UserError(
    `Input '${input}' names the container "${name}", which the task definition does not have. Its containers: ${containerNames(definition).join(', ') || 'none'}.`,
  );
}

export function render(definition: Json, changes: RenderChanges): { definition: Json; changed: string[] } {
  const containers = definition['containerDefinitions'];
  if (!Array.isArray(containers) || containers.length === 0) {
    throw new UserError('The task definition has no containerDefinitions to render into.');
  }
  const changed: string[] = [];
  const out: Json = { ...definition, containerDefinitions: (containers as Json[]).map((c) => ({ ...c })) };
  const list = out['containerDefinitions'] as Json[];

  for (const [name, image] of Object.entries(changes.images)) {
    const c = list.find((x) => x['name'] === name);
    if (!c) throw unknownContainer('images', name, definition);
    if (c['image'] !== image) changed.push(`${name}: image ${String(c['image'] ?? '(none)')} → ${image}`);
    c['image'] = image;
  }

  const cc = changes.containerChanges;
  const anyContainerChange = Object.values(cc).some(
    (v) =>
      v !== undefined &&
      !(Array.isArray(v) && v.length === 0) &&
      !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0),
  );
  if (anyContainerChange) {
    let target: Json | undefined;
    if (changes.container) {
      target = list.find((x) => x['name'] === changes.container);
      if (!target) throw unknownContainer('container', changes.container, definition);
    } else if (list.length === 1) {
      target = list[0];
    } else {
      throw new UserError(
        `The task definition has ${list.length} containers (${containerNames(definition).join(', ')}): say which one the changes are for with input 'container'.`,
      );
    }
    const name = String(target!['name']);
    if (Object.keys(cc.environment ?? {}).length || cc.removeEnvironment?.length) {
      target!['environment'] = upsertNamed(
        target!['environment'],
        cc.environment ?? {},
        'value',
        cc.removeEnvironment ?? [],
      );
      changed.push(
        `${name}: environment ${[...Object.keys(cc.environment ?? {}).map((k) => `+${k}`), ...(cc.removeEnvironment ?? []).map((k) => `-${k}`)].join(' ')}`,
      );
    }
    if (Object.keys(cc.secrets ?? {}).length || cc.removeSecrets?.length) {
      target!['secrets'] = upsertNamed(
        target!['secrets'],
        cc.secrets ?? {},
        'valueFrom',
        cc.removeSecrets ?? [],
      );
      changed.push(
        `${name}: secrets ${[...Object.keys(cc.secrets ?? {}).map((k) => `+${k}`), ...(cc.removeSecrets ?? []).map((k) => `-${k}`)].join(' ')}`,
      );
    }
    if (cc.logConfiguration) {
      target!['logConfiguration'] = cc.logConfiguration;
      changed.push(`${name}: log configuration (${String(cc.logConfiguration['logDriver'] ?? '?')})`);
    }
    if (cc.dockerLabels && Object.keys(cc.dockerLabels).length) {
      target!['dockerLabels'] = {
        ...((target!['dockerLabels'] as Json | undefined) ?? {}),
        ...cc.dockerLabels,
      };
      changed.push(`${name}: docker labels ${Object.keys(cc.dockerLabels).join(', ')}`);
    }
    if (cc.command) {
      target!['command'] = cc.command;
      changed.push(`${name}: command ${JSON.stringify(cc.command)}`);
    }
  }

  for (const [key, value] of [
    ['cpu', changes.cpu],
    ['memory', changes.memory],
    ['taskRoleArn', changes.taskRoleArn],
    ['executionRoleArn', changes.executionRoleArn],
  ] as const) {
    if (value === undefined) continue;
    if (out[key] !== value) changed.push(`${key} ${String(out[key] ?? '(none)')} → ${value}`);
    out[key] = value;
  }
  return { definition: out, changed };
}
