/**
 * What in-process tests of an action's core need: a virtual clock shared with the simulator, a logger
 * that keeps its lines, and clients made by the toolkit's own factory (retries, error tagging) pointing
 * at the simulator.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { createClient } from '../../src/aws/client.js';
import type { Clock } from '../../src/aws/poller.js';
import type { DeploySettings } from '../../src/ecs/deploy-plan.js';
import { type InputSpec, readInputs } from '../../src/github/inputs.js';
import type { Logger } from '../../src/log.js';
import { type Simulator, simulatorEnv } from '../simulator/server.js';

/** A clock that moves only when the code under test sleeps (or the test moves it); the simulator reads it too. */
export function virtualClock(start = Date.UTC(2026, 11, 1, 12)) {
  let now = start;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      // Let the event loop turn, so that an abort or an HTTP answer can come in.
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw signal.reason;
    },
  };
  return { clock, sleeps, now: () => now, advance: (ms: number) => void (now += ms) };
}

export function captureLog(): { log: Logger; lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    log: { info: (m) => void lines.push(m), warning: (m) => void warnings.push(m), debug: () => {} },
  };
}

/** ECS, CloudWatch Logs and CodeDeploy clients as the actions make them, against the simulator. */
export function coreClients(sim: Simulator, accessKeyId = 'AKIASIMULATOR') {
  const env = { ...simulatorEnv(sim, 'us-east-1', accessKeyId), AWS_MAX_ATTEMPTS: '3' };
  const options = { region: 'us-east-1', action: 'test', env };
  // The SDK reads endpoints and credentials from process.env.
  Object.assign(process.env, env);
  return {
    ecs: createClient(ECSClient, options),
    logs: () => createClient(CloudWatchLogsClient, options),
    codeDeploy: () => createClient(CodeDeployClient, options),
  };
}

/** deploy's settings as its inputs' defaults give them, with the test's own on top. */
export function deploySettings(over: Partial<DeploySettings> = {}): DeploySettings {
  return {
    'task-definition': 'web.json',
    cluster: 'prod',
    service: undefined,
    wait: true,
    'wait-until': 'succeeded',
    timeout: 30 * 60_000,
    'force-register': false,
    'force-new-deployment': false,
    'desired-count': undefined,
    'enable-ecs-managed-tags': undefined,
    'propagate-tags': undefined,
    'deployment-configuration': undefined,
    'capacity-provider-strategy': undefined,
    'load-balancers': undefined,
    'service-connect-configuration': undefined,
    'deployment-controller': undefined,
    'deregister-previous': undefined,
    'codedeploy-appspec': undefined,
    'codedeploy-application': undefined,
    'codedeploy-deployment-group': undefined,
    'codedeploy-deployment-config': undefined,
    'codedeploy-description': undefined,
    'codedeploy-wait-until': undefined,
    region: undefined,
    ...over,
  };
}

/** ECS, Auto Scaling and EC2 clients as rollout-ecs-ami makes them, against the simulator. */
export function fleetClients(sim: Simulator, accessKeyId = 'AKIASIMULATOR') {
  const env = { ...simulatorEnv(sim, 'us-east-1', accessKeyId), AWS_MAX_ATTEMPTS: '3' };
  const options = { region: 'us-east-1', action: 'test', env };
  Object.assign(process.env, env);
  return {
    ecs: createClient(ECSClient, options),
    asg: createClient(AutoScalingClient, options),
    ec2: createClient(EC2Client, options),
  };
}

/**
 * An action's settings exactly as its shell reads them — the spec's defaults (which the contract test
 * holds to action.yml) with these raw input strings on top — for calling its plan in process.
 */
export function settingsOf<S extends Record<string, InputSpec<unknown>>>(
  spec: S,
  raw: Record<string, string> = {},
) {
  return readInputs(spec, (name) => raw[name]);
}
