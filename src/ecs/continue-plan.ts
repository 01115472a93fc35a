/**
 * continue-deployment's plan: the checks of its inputs that need no AWS call (the service deployment ARN
 * belongs to the cluster and service given, its region agrees, the decision and wait-until go together).
 * No SDK client is loaded here, so bad input fails fast.
 */
import type { Env } from '../aws/client.js';
import { parseCluster, regionFromArn } from '../aws/identifiers.js';
import { UserError } from '../errors.js';
import type { WaitUntil } from './deployment-config.js';

const SERVICE_DEPLOYMENT_ARN =
  /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):\d{12}:service-deployment\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})\/[\w-]+$/;

export interface ContinueSettings {
  cluster: string;
  service: string;
  'service-deployment-arn': string | undefined;
  'hook-id': string | undefined;
  decision: 'continue' | 'rollback';
  'wait-until': WaitUntil;
  timeout: number;
  region: string | undefined;
}

export interface ContinuePlan {
  cluster: string;
  service: string;
  arn?: string;
  hookId?: string;
  decision: 'continue' | 'rollback';
  waitUntil: WaitUntil;
  timeoutMs: number;
  /** The region input, else the service deployment ARN's. */
  region: string | undefined;
}

export function planContinue(s: ContinueSettings, _env: Env): ContinuePlan {
  const cluster = parseCluster(s.cluster).name;
  let region = regionFromArn('cluster', s.cluster, s.region);
  const arn = s['service-deployment-arn'];
  if (arn) {
    const m = SERVICE_DEPLOYMENT_ARN.exec(arn);
    if (!m)
      throw new UserError(
        `Input 'service-deployment-arn' has the value "${arn}", which is not accepted: a service deployment ARN such as arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/NCWGC2ZR-taawPAYrIaU5 (deploy's output service-deployment-arn).`,
      );
    if (m[2] !== cluster || m[3] !== s.service)
      throw new UserError(
        `Input 'service-deployment-arn' is a deployment of ${m[2]}/${m[3]}, not of ${cluster}/${s.service} (inputs 'cluster' and 'service').`,
      );
    if (region && region !== m[1])
      throw new UserError(
        `Input 'service-deployment-arn' is in ${m[1]}, but ${s.region ? "input 'region'" : "input 'cluster' (an ARN)"} says ${region}: give the deployment of that region, or leave 'region' out.`,
      );
    region ??= m[1];
  }
  if (s.decision === 'rollback' && s['wait-until'] !== 'succeeded')
    throw new UserError(
      `Input 'wait-until' is "${s['wait-until']}", which does not apply to decision 'rollback': a rollback is followed until it ends (ROLLBACK_SUCCESSFUL).`,
    );
  if (s['hook-id'] && !/^[\w-]{1,255}$/.test(s['hook-id']))
    throw new UserError(
      `Input 'hook-id' has the value "${s['hook-id']}", which is not accepted: a lifecycle hook ID such as ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw (deploy's output hook-id).`,
    );
  return {
    cluster,
    service: s.service,
    ...(arn ? { arn } : {}),
    ...(s['hook-id'] ? { hookId: s['hook-id'] } : {}),
    decision: s.decision,
    waitUntil: s['wait-until'],
    timeoutMs: s.timeout,
    region,
  };
}
