/**
 * verify-task-definition's plan: which task definition (a file, read and checked for placeholders here,
 * or a registered family[:revision] or ARN), where (cluster, service, region from the ARNs), which
 * checks, and what the deploy will change in the service. Every refusal happens here, before any AWS call.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseCluster, regionFromArns } from '../aws/identifiers.js';
import {
  serviceUpdateOf,
  type ServiceUpdate,
  type ServiceUpdateSettings,
  TASK_DEFINITION_ARN,
} from '../ecs/deploy-plan.js';
import { UserError, errorMessage } from '../errors.js';
import type { SourcePosition } from '../json/parse.js';
import type { Logger } from '../log.js';
import { inWorkspace, workspaceOf } from '../runner-env.js';
import { normalizeTaskDefinition } from '../taskdef/normalize.js';
import { parseSource, preloadYaml } from '../validate/source.js';
import { validateText } from '../validate/validate.js';
import { CHECKS, type Check, DEFAULT_CHECKS } from './rules.js';

type Env = Readonly<Record<string, string | undefined>>;
type Json = Record<string, unknown>;

export interface VerifySettings extends ServiceUpdateSettings {
  'task-definition': string;
  cluster: string;
  service: string | undefined;
  region: string | undefined;
  checks: string[];
  'fail-on': 'error' | 'warning';
  'sarif-file': string | undefined;
}

export type TaskDefinitionSource =
  | {
      kind: 'file';
      /** As shown in findings: relative to the workspace. */
      file: string;
      definition: Json;
      positions: Map<string, SourcePosition>;
    }
  | { kind: 'registered'; reference: string };

export interface VerifyPlan {
  source: TaskDefinitionSource;
  cluster: string;
  service?: string;
  region?: string;
  checks: ReadonlySet<Check>;
  failOn: 'error' | 'warning';
  sarifPath?: string;
  /** What the deploy will change in the service besides the task definition. */
  update: ServiceUpdate;
  /** Lookups in flight at once. */
  concurrency: number;
}

/** family, family:revision or a task definition ARN: a registered revision (the latest ACTIVE for a family). */
const REGISTERED = /^[A-Za-z0-9_-]{1,255}(:\d+)?$/;

export const CHECKS_ACCEPTED = `all, or a list of ${CHECKS.join(', ')} (all is every check but secret-keys, which reads secret values)`;

function checksOf(items: readonly string[]): Set<Check> {
  const out = new Set<Check>();
  for (const item of items) {
    if (item === 'all') DEFAULT_CHECKS.forEach((c) => out.add(c));
    else if ((CHECKS as readonly string[]).includes(item)) out.add(item as Check);
    else
      throw new UserError(`Input 'checks' has "${item}", which is not a check: it takes ${CHECKS_ACCEPTED}.`);
  }
  if (out.size === 0) throw new UserError(`Input 'checks' is empty: it takes ${CHECKS_ACCEPTED}.`);
  return out;
}

async function readSource(value: string, env: Env, log: Logger): Promise<TaskDefinitionSource> {
  const path = inWorkspace(env, value);
  // Shown relative to the workspace (as annotations need it), or as given when it is outside.
  const inside = relative(workspaceOf(env), path);
  const file = inside && !inside.startsWith('..') ? inside : path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `Input 'task-definition' names ${path}, which does not exist; it takes a task definition file (relative to the workspace) or a registered family[:revision] or ARN.`
        : `Cannot read ${path} (input 'task-definition'): ${errorMessage(error)}`,
    );
  }
  if (/\.ya?ml$/i.test(path) || !/^\s*[[{]/.test(text)) await preloadYaml();
  // The validator's judgement of what will be registered: a file that does not parse, or still holds a
  // placeholder, is refused in its words — verifying it would check a name that will not be deployed.
  const blocking = validateText(text, { file, placeholders: 'error' }).filter(
    (f) =>
      f.severity === 'error' &&
      ['syntax', 'size-limit', 'not-a-task-definition', 'template-placeholder'].includes(f.rule),
  );
  if (blocking.length) {
    const shown = blocking.slice(0, 5).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`);
    const more = blocking.length > 5 ? ` (and ${blocking.length - 5} more)` : '';
    throw new UserError(
      `${file} is not a task definition that can be verified${more}:\n${shown.join('\n')}\nVerify the rendered file (after render-task-definition), not the template.`,
    );
  }
  const parsed = parseSource(text.replace(/^\uFEFF/, ''), file);
  const normalized = normalizeTaskDefinition(parsed.value);
  for (const w of normalized.warnings) log.warning(w);
  if (typeof normalized.definition['family'] !== 'string')
    throw new UserError(`${file} has no "family": a task definition needs one.`);
  return { kind: 'file', file, definition: normalized.definition, positions: parsed.positions };
}

export async function planVerify(s: VerifySettings, env: Env, log: Logger): Promise<VerifyPlan> {
  const checks = checksOf(s.checks);
  const value = s['task-definition'];
  const source: TaskDefinitionSource =
    TASK_DEFINITION_ARN.test(value) || REGISTERED.test(value)
      ? { kind: 'registered', reference: value }
      : await readSource(value, env, log);
  const update = serviceUpdateOf(s);
  const serviceInputs = Object.keys(update);
  if (!s.service && serviceInputs.length) {
    throw new UserError(
      `Input '${['desired-count', 'enable-ecs-managed-tags', 'propagate-tags', 'deployment-configuration', 'capacity-provider-strategy', 'load-balancers', 'service-connect-configuration'].find((k) => s[k as keyof VerifySettings] !== undefined)}' needs 'service': it is what the deploy will change in that service.`,
    );
  }
  if (!s.service && checks.has('service') && s.checks.includes('service')) {
    throw new UserError("Input 'checks' names service, which needs input 'service'.");
  }
  const region = regionFromArns(
    { cluster: s.cluster, 'task-definition': TASK_DEFINITION_ARN.test(value) ? value : undefined },
    s.region,
  );
  return {
    source,
    cluster: parseCluster(s.cluster).name,
    ...(s.service ? { service: s.service } : {}),
    ...(region ? { region } : {}),
    checks,
    failOn: s['fail-on'],
    ...(s['sarif-file'] ? { sarifPath: inWorkspace(env, s['sarif-file']) } : {}),
    update,
    concurrency: 8,
  };
}
