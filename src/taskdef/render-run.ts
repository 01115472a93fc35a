/**
 * render-task-definition's run: the task definition read (the file, or DescribeTaskDefinition with its
 * tags), normalized, rendered with the plan's changes, and written as JSON; a report of what changed.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Logger } from '../log.js';
import { normalizeTaskDefinition } from './normalize.js';
import { render } from './render.js';
import type { RenderPlan } from './render-plan.js';
import { readDataFile } from './source.js';

type Json = Record<string, unknown>;

export interface RenderDeps {
  /** Only for a task definition read from ECS. */
  ecs?: Pick<ECSClient, 'send'>;
  log: Logger;
}

export interface RenderReport {
  family: string;
  /** The path of the rendered file. */
  file: string;
  definition: Json;
  /** What changed, one line each. */
  changed: string[];
}

async function readSource(p: RenderPlan, deps: RenderDeps): Promise<unknown> {
  if ('file' in p.source) return readDataFile(p.source.file, 'task-definition');
  if (!deps.ecs) throw new Error('render: reading a task definition from ECS needs an ECS client');
  // The SDK loads only for a task definition read from ECS (the shell's aws.ts chunk holds it).
  const { DescribeTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');
  const out = await deps.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: p.source.family, include: ['TAGS'] }),
  );
  deps.log.info(`Read ${out.taskDefinition?.taskDefinitionArn} from ECS.`);
  return { taskDefinition: out.taskDefinition, tags: out.tags };
}

export async function runRender(p: RenderPlan, deps: RenderDeps): Promise<RenderReport> {
  const { definition: base, warnings } = normalizeTaskDefinition(await readSource(p, deps));
  for (const w of warnings) deps.log.info(w);
  const { definition, changed } = render(base, p.changes);
  for (const c of changed) deps.log.info(c);
  if (changed.length === 0) deps.log.info('Nothing to change: the task definition is written as it is.');
  const family = String(definition['family'] ?? 'task');
  const file = join(p.outDir, `task-definition-${family}-${randomBytes(4).toString('hex')}.json`);
  await writeFile(file, `${JSON.stringify(definition, null, 2)}\n`);
  return { family, file, definition, changed };
}
