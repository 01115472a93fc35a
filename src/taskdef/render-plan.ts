/**
 * render-task-definition's plan: the checks across its inputs, where the task definition comes from (a
 * file in the workspace, or ECS in the region a task definition ARN names), the changes to make, and where
 * the rendered file goes (RUNNER_TEMP). Pure: no file is read and no SDK client is loaded here.
 */
import { tmpdir } from 'node:os';
import type { Env } from '../aws/client.js';
import { regionFromArn } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import { inWorkspace } from '../runner-env.js';
import type { RenderChanges } from './render.js';

/** The inputs render-task-definition reads (the shell's spec produces exactly this). */
export interface RenderSettings {
  'task-definition': string | undefined;
  family: string | undefined;
  container: string | undefined;
  image: string | undefined;
  images: Record<string, string> | undefined;
  environment: Record<string, string> | undefined;
  'remove-environment': string[];
  secrets: Record<string, string> | undefined;
  'remove-secrets': string[];
  'log-configuration': unknown;
  'docker-labels': Record<string, string> | undefined;
  command: string[] | undefined;
  cpu: string | undefined;
  memory: string | undefined;
  'task-role-arn': string | undefined;
  'execution-role-arn': string | undefined;
  region: string | undefined;
}

export type RenderSource =
  /** A file: its path, resolved against the workspace. */
  | { file: string }
  /** ECS: family, family:revision or ARN, and the region to read it in (an ARN's, else the input). */
  | { family: string; region: string | undefined };

export interface RenderPlan {
  source: RenderSource;
  changes: RenderChanges;
  /** The folder the rendered file is written to. */
  outDir: string;
}

export function planRender(s: RenderSettings, env: Env): RenderPlan {
  if (!s['task-definition'] === !s.family) {
    throw new UserError(
      "Give either input 'task-definition' (a file) or input 'family' (read from ECS), not both and not neither.",
    );
  }
  if (s.image && !s.container)
    throw new UserError("Input 'image' needs input 'container': the container to set it on.");
  const images = { ...s.images, ...(s.image && s.container ? { [s.container]: s.image } : {}) };
  const source: RenderSource = s['task-definition']
    ? { file: inWorkspace(env, s['task-definition']) }
    : { family: s.family!, region: regionFromArn('family', s.family, s.region) };
  return {
    source,
    changes: {
      images,
      ...(s.container ? { container: s.container } : {}),
      containerChanges: {
        environment: s.environment ?? {},
        removeEnvironment: s['remove-environment'],
        secrets: s.secrets ?? {},
        removeSecrets: s['remove-secrets'],
        ...(s['log-configuration']
          ? { logConfiguration: s['log-configuration'] as Record<string, unknown> }
          : {}),
        dockerLabels: s['docker-labels'] ?? {},
        ...(s.command ? { command: s.command } : {}),
      },
      ...(s.cpu ? { cpu: s.cpu } : {}),
      ...(s.memory ? { memory: s.memory } : {}),
      ...(s['task-role-arn'] ? { taskRoleArn: s['task-role-arn'] } : {}),
      ...(s['execution-role-arn'] ? { executionRoleArn: s['execution-role-arn'] } : {}),
    },
    outDir: env['RUNNER_TEMP'] || tmpdir(),
  };
}
