/**
 * A task definition in the form ECS stores it and DescribeTaskDefinition returns it, whether it comes from
 * a file (a RegisterTaskDefinition input as users keep it) or from DescribeTaskDefinition itself. Two
 * definitions that ECS would store alike come out equal, so the deploy's "already registered?" check and
 * verify's diff see only real changes.
 *
 * What ECS does, and so what is done here (each decision next to its code):
 * - describe-only fields (ARN, revision, status …) and `tags` go: they are not part of the definition.
 * - defaults ECS fills in are filled in: container `cpu: 0` and `essential: true`, the five lists it always
 *   returns, port protocol `tcp`, awsvpc/host host ports, health check interval/timeout/retries, task cpu
 *   and memory as unit and MiB strings.
 * - lists ECS treats as sets are sorted; lists whose order matters (command, entryPoint, environmentFiles,
 *   dnsServers, links, volumesFrom …) keep theirs.
 */
import { normalizeTaskDefinition } from './normalize.js';
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

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Sorts a copy by the given keys in turn (numbers as numbers, the rest as text; absent sorts last). */
function sortBy(list: unknown, ...keys: string[]): unknown {
  if (!Array.isArray(list)) return list;
  const key = (item: unknown, k: string): unknown => (isObject(item) ? item[k] : item);
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const x = key(a, k);
      const y = key(b, k);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      const c = text(x) < text(y) ? -1 : text(x) > text(y) ? 1 : 0;
      if (c !== 0) return c;
    }
    return 0;
  });
}
/** Sorts a list of strings (capabilities, compatibilities). */
const sortStrings = (list: unknown) => sortBy(list, '');

/** Puts `value` at `key` when it is defined, removes the key otherwise. */
function set(obj: Json, key: string, value: unknown): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

/**
 * The lists ECS returns for every container, empty when the request left them out (DescribeTaskDefinition
 * and RegisterTaskDefinition answers in the ECS developer guide show `environment`, `mountPoints`,
 * `portMappings` and `volumesFrom` as `[]`; current answers add `systemControls: []`).
 */
const ALWAYS_RETURNED = ['environment', 'mountPoints', 'portMappings', 'volumesFrom', 'systemControls'];

/**
 * Any other empty list configures the same container as no list at all (no secrets, no ulimits, no
 * command override), and tools such as the console send `[]` where a file leaves the key out: both are
 * dropped, so `"secrets": []` and no `secrets` compare equal.
 */
function dropEmptyLists(obj: Json, keep: readonly string[]): void {
  for (const [k, v] of Object.entries(obj))
    if (Array.isArray(v) && v.length === 0 && !keep.includes(k)) delete obj[k];
}

function portMapping(p: unknown, networkMode: unknown): unknown {
  if (!isObject(p)) return p;
  // RegisterTaskDefinition's documentation: "The default is tcp."
  const out: Json = { ...p, protocol: p['protocol'] ?? 'tcp' };
  if (out['containerPort'] !== undefined) {
    if (networkMode === 'awsvpc' || networkMode === 'host') {
      // awsvpc and host: "the hostPort is set to the same value as the containerPort" (static mapping).
      out['hostPort'] = out['hostPort'] ?? out['containerPort'];
    } else if (out['hostPort'] === 0) {
      // bridge: "omit the hostPort (or set it to 0)" both ask for a dynamic host port; one form for both.
      delete out['hostPort'];
    }
  }
  return out;
}

function container(c: unknown, networkMode: unknown): unknown {
  if (!isObject(c)) return c;
  // ECS returns cpu 0 and essential true for a container that did not set them.
  const out: Json = { cpu: 0, essential: true, ...c };
  dropEmptyLists(out, ALWAYS_RETURNED);
  for (const key of ALWAYS_RETURNED) if (out[key] === undefined) out[key] = [];
  // A value of the wrong type (a hand-edited file) is kept as it is: it is shown, never a crash.
  const ports = out['portMappings'];
  out['portMappings'] = sortBy(
    Array.isArray(ports) ? ports.map((p) => portMapping(p, networkMode)) : ports,
    'containerPort',
    'containerPortRange',
    'protocol',
  );
  // Sets to ECS: a variable, a secret, a ulimit, a sysctl, a mount point, a dependency is named once, and
  // their order in the request changes nothing in the container.
  out['environment'] = sortBy(out['environment'], 'name');
  out['mountPoints'] = sortBy(out['mountPoints'], 'containerPath', 'sourceVolume');
  out['systemControls'] = sortBy(out['systemControls'], 'namespace');
  set(out, 'secrets', sortBy(out['secrets'], 'name'));
  set(out, 'ulimits', sortBy(out['ulimits'], 'name'));
  set(out, 'dependsOn', sortBy(out['dependsOn'], 'containerName'));
  // One entry per type (GPU, InferenceAccelerator).
  set(out, 'resourceRequirements', sortBy(out['resourceRequirements'], 'type'));
  // Kept in order: command, entryPoint, environmentFiles (a later file overrides an earlier one), links,
  // dnsServers, dnsSearchDomains, extraHosts, volumesFrom, dockerSecurityOptions, healthCheck.command.
  const health = out['healthCheck'];
  if (isObject(health)) {
    // DescribeTaskDefinition returns interval 30, timeout 5 and retries 3 when a health check left them out
    // (the documented defaults); startPeriod has none ("off").
    out['healthCheck'] = { interval: 30, timeout: 5, retries: 3, ...health };
  }
  const linux = out['linuxParameters'];
  if (isObject(linux)) {
    const l: Json = { ...linux };
    const caps = l['capabilities'];
    if (isObject(caps)) {
      const k: Json = { ...caps };
      set(k, 'add', sortStrings(k['add']));
      set(k, 'drop', sortStrings(k['drop']));
      dropEmptyLists(k, []);
      l['capabilities'] = k;
    }
    dropEmptyLists(l, []);
    out['linuxParameters'] = l;
  }
  const log = out['logConfiguration'];
  if (isObject(log)) {
    const l: Json = { ...log };
    set(l, 'secretOptions', sortBy(l['secretOptions'], 'name'));
    dropEmptyLists(l, []);
    out['logConfiguration'] = l;
  }
  return out;
}

/**
 * `definition` in the form ECS stores it. Accepts what `normalizeTaskDefinition` accepts (a file's
 * RegisterTaskDefinition input, a describe-task-definition result, with or without its wrapper) and never
 * changes its argument.
 */
export function asStored(definition: Record<string, unknown>): Record<string, unknown> {
  // Describe-only fields and nulls go as they do before a registration; tags are the resource's, not the
  // definition's (DescribeTaskDefinition returns them beside the definition, and only when asked).
  const out: Json = { ...normalizeTaskDefinition(definition).definition };
  delete out['tags'];
  dropEmptyLists(out, ['volumes', 'placementConstraints']);
  // ECS returns volumes and placementConstraints, empty when the request had none.
  out['volumes'] = sortBy(out['volumes'] ?? [], 'name');
  out['placementConstraints'] = sortBy(out['placementConstraints'] ?? [], 'type', 'expression');
  set(out, 'requiresCompatibilities', sortStrings(out['requiresCompatibilities']));
  // Task cpu and memory are strings in ECS's answers, in units and MiB ("1 vCPU" is stored as "1024").
  if (out['cpu'] !== undefined) out['cpu'] = cpuUnits(out['cpu']);
  if (out['memory'] !== undefined) out['memory'] = memoryMiB(out['memory']);
  // "The default value is false."
  if (out['enableFaultInjection'] === false) delete out['enableFaultInjection'];
  // Containers are named once in a task and found by name; their order in the request is not a setting.
  const containers = out['containerDefinitions'] ?? [];
  out['containerDefinitions'] = Array.isArray(containers)
    ? sortBy(
        containers.map((c) => container(c, out['networkMode'])),
        'name',
      )
    : containers;
  return out;
}

/** Keys sorted at every level, except the ones named in `first`, which lead in that order. */
function ordered(value: unknown, first: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (!isObject(value)) return value;
  const keys = Object.keys(value).sort();
  const lead = first.filter((k) => k in value);
  return Object.fromEntries(
    [...lead, ...keys.filter((k) => !lead.includes(k))].map((k) => [
      k,
      k === 'containerDefinitions' && Array.isArray(value[k])
        ? value[k].map((c) => ordered(c, ['name', 'image']))
        : ordered(value[k]),
    ]),
  );
}

/**
 * `asStored(definition)` as text to diff: two-space JSON ending in a newline, every key sorted, except that
 * the task starts with `family` and `containerDefinitions` (what a change usually touches, and what gives a
 * hunk its bearings) and each container starts with `name` and `image`, so the hunk of a changed container
 * shows which one it is. The task's other settings follow the containers in alphabetical order.
 */
export function storedText(definition: Record<string, unknown>): string {
  return `${JSON.stringify(ordered(asStored(definition), ['family', 'containerDefinitions']), null, 2)}\n`;
}
