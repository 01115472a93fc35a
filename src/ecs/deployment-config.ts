/**
 * The service settings deploy sends with UpdateService — deploymentConfiguration (strategy, bake time,
 * linear and canary steps, lifecycle hooks, alarms, circuit breaker with thresholds, early success
 * criteria), loadBalancers (with ECS blue/green's advancedConfiguration) and serviceConnectConfiguration
 * (with test traffic rules) — checked against the installed SDK's shapes and against what ECS accepts,
 * before any AWS call. The SDK drops members it does not know without a word, so an unknown key is refused.
 * Checks that depend on the service (its strategy, load balancers and hooks when the inputs leave them
 * out) come once DescribeServices has answered, still before anything changes.
 */
import type {
  DeploymentConfiguration,
  DeploymentLifecycleHook,
  LoadBalancer,
  Service,
  ServiceConnectConfiguration,
} from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { checkShape } from '../validate/shape-check.js';
import { SERVICE_SHAPE } from './service-shape.generated.js';

export type Strategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
export type WaitUntil = 'succeeded' | 'traffic-shifted' | 'paused';

/** Lifecycle stages in the order a deployment reaches them (ecspresso and the API reference agree). */
export const STAGE_ORDER = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** Hook stages that only a strategy that shifts traffic reaches: a rolling deployment never does. */
const TRAFFIC_STAGES = new Set([
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);
/** The API reference: PAUSE hooks cannot be configured at these stages (they are for Lambda hooks). */
const NO_PAUSE_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/**
 * A JSON input checked against one SDK structure (or a list of them): every problem found, up to five,
 * in one message that names the input, the place and what is accepted.
 */
function checkServiceInput(input: string, value: unknown, struct: string, asList = false): void {
  const problems: string[] = [];
  checkShape(
    SERVICE_SHAPE,
    asList ? `list:struct:${struct}` : `struct:${struct}`,
    value,
    '',
    (_rule, _pointer, message) => problems.push(message),
    'The SDK would drop it without a word.',
  );
  if (!problems.length) return;
  const shown = problems.slice(0, 5).join(' ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  throw new UserError(`Input '${input}' is not accepted: ${shown}${more}`);
}

const refuse = (input: string, message: string) =>
  new UserError(`Input '${input}' is not accepted: ${message}`);

function inRange(input: string, value: unknown, where: string, lo: number, hi: number, step?: number): void {
  if (value === undefined) return;
  const n = value as number;
  const offStep = step !== undefined && Math.abs(n / step - Math.round(n / step)) > 1e-9;
  if (n < lo || n > hi || offStep) {
    const what = step
      ? `a multiple of ${step} from ${lo.toFixed(1)} to ${hi.toFixed(1)}`
      : `from ${lo} to ${hi}`;
    throw refuse(input, `${where} is ${n}; ECS takes ${what}.`);
  }
}

/** Everything about a deploymentConfiguration that can be checked without the service. */
export function checkDeploymentConfiguration(
  value: unknown,
  input = 'deployment-configuration',
): DeploymentConfiguration {
  checkServiceInput(input, value, 'DeploymentConfiguration');
  const c = value as DeploymentConfiguration;
  const strategy = c.strategy;
  inRange(input, c.bakeTimeInMinutes, '/bakeTimeInMinutes', 0, 1440);
  if (c.linearConfiguration && strategy !== 'LINEAR')
    throw refuse(
      input,
      `/linearConfiguration is only for the LINEAR strategy (the strategy here is ${strategy ?? 'not given'}); ECS refuses it otherwise: "Linear configuration can only be present with LINEAR deployment strategy".`,
    );
  if (c.canaryConfiguration && strategy !== 'CANARY')
    throw refuse(
      input,
      `/canaryConfiguration is only for the CANARY strategy (the strategy here is ${strategy ?? 'not given'}).`,
    );
  inRange(input, c.linearConfiguration?.stepPercent, '/linearConfiguration/stepPercent', 3, 100, 0.1);
  inRange(
    input,
    c.linearConfiguration?.stepBakeTimeInMinutes,
    '/linearConfiguration/stepBakeTimeInMinutes',
    0,
    1440,
  );
  inRange(input, c.canaryConfiguration?.canaryPercent, '/canaryConfiguration/canaryPercent', 0.1, 100, 0.1);
  inRange(
    input,
    c.canaryConfiguration?.canaryBakeTimeInMinutes,
    '/canaryConfiguration/canaryBakeTimeInMinutes',
    0,
    1440,
  );
  inRange(input, c.maximumPercent, '/maximumPercent', 0, 2000);
  inRange(input, c.minimumHealthyPercent, '/minimumHealthyPercent', 0, 100);
  const threshold = c.deploymentCircuitBreaker?.thresholdConfiguration;
  if (threshold && (threshold.value ?? 0) < 1)
    throw refuse(
      input,
      `/deploymentCircuitBreaker/thresholdConfiguration/value is ${threshold.value}; it must be 1 or more.`,
    );
  if (c.alarms?.enable && !c.alarms.alarmNames?.length)
    throw refuse(input, '/alarms enables alarm-based failure detection but names no alarm in alarmNames.');
  const early = c.earlySuccessCriteria;
  if (early?.enable) {
    if (early.healthyPercent === undefined || early.sourceServiceRevisionCleanup === undefined)
      throw refuse(
        input,
        '/earlySuccessCriteria is enabled: ECS needs healthyPercent (0 to 100) and sourceServiceRevisionCleanup (BLOCKING or DEFERRED) with it.',
      );
    inRange(input, early.healthyPercent, '/earlySuccessCriteria/healthyPercent', 0, 100);
    if (c.minimumHealthyPercent !== undefined && early.healthyPercent < c.minimumHealthyPercent)
      throw refuse(
        input,
        `/earlySuccessCriteria/healthyPercent (${early.healthyPercent}) must be at least minimumHealthyPercent (${c.minimumHealthyPercent}).`,
      );
  }
  (c.lifecycleHooks ?? []).forEach((hook, i) => checkHook(input, hook, `/lifecycleHooks/${i}`));
  if (strategy) checkForStrategy(input, c, strategy);
  return c;
}

function checkHook(input: string, hook: DeploymentLifecycleHook, at: string): void {
  const type = hook.targetType ?? 'AWS_LAMBDA';
  if (!hook.lifecycleStages?.length)
    throw refuse(input, `${at} has no lifecycleStages: name the stages the hook runs at.`);
  if (type === 'AWS_LAMBDA' && (!hook.hookTargetArn || !hook.roleArn))
    throw refuse(
      input,
      `${at} is a Lambda hook (targetType AWS_LAMBDA${hook.targetType ? '' : ', the default'}) and needs hookTargetArn (the function) and roleArn (the role ECS invokes it with)${hook.hookTargetArn || hook.roleArn ? '' : '; for a hook that waits for ContinueServiceDeployment, set targetType to PAUSE'}.`,
    );
  if (type === 'PAUSE') {
    const bad = hook.lifecycleStages.find((s) => NO_PAUSE_STAGES.has(s));
    if (bad)
      throw refuse(
        input,
        `${at} pauses at ${bad}, where ECS runs only Lambda hooks; pause at POST_TEST_TRAFFIC_SHIFT (tests against the test traffic) or PRE_PRODUCTION_TRAFFIC_SHIFT (before each production step) instead.`,
      );
  }
  inRange(
    input,
    hook.timeoutConfiguration?.timeoutInMinutes,
    `${at}/timeoutConfiguration/timeoutInMinutes`,
    1,
    20160,
  );
}

/** The checks that depend on the strategy (the input's, or the service's when the input gives none). */
function checkForStrategy(input: string, c: DeploymentConfiguration, strategy: Strategy): void {
  if (strategy === 'ROLLING') {
    (c.lifecycleHooks ?? []).forEach((hook, i) => {
      const bad = hook.lifecycleStages?.find((s) => TRAFFIC_STAGES.has(s));
      if (bad)
        throw refuse(
          input,
          `/lifecycleHooks/${i} ${hook.targetType === 'PAUSE' ? 'pauses' : 'runs'} at ${bad}, but a ROLLING deployment shifts no test or production traffic, so it would never reach that stage. Use RECONCILE_SERVICE, PRE_SCALE_UP or POST_SCALE_UP, or a BLUE_GREEN, LINEAR or CANARY strategy.`,
        );
    });
    return;
  }
  if (c.earlySuccessCriteria?.enable)
    throw refuse(
      input,
      `/earlySuccessCriteria is for the ROLLING strategy only (the strategy here is ${strategy}).`,
    );
}

/** The settings a deployment will run with: what the inputs give (each as a whole), else what the service has. */
export interface EffectiveSettings {
  strategy: Strategy;
  hooks: DeploymentLifecycleHook[];
  loadBalancers: LoadBalancer[];
  serviceConnect: ServiceConnectConfiguration | undefined;
  bakeTimeInMinutes: number | undefined;
}

function effectiveSettings(
  service: Service,
  given: {
    deploymentConfiguration?: DeploymentConfiguration | undefined;
    loadBalancers?: LoadBalancer[] | undefined;
    serviceConnectConfiguration?: ServiceConnectConfiguration | undefined;
  },
): EffectiveSettings {
  // UpdateService takes deploymentConfiguration as a whole: when it is given, the service's own is replaced.
  const config = given.deploymentConfiguration ?? service.deploymentConfiguration;
  return {
    strategy: (config?.strategy ?? 'ROLLING') as Strategy,
    hooks: config?.lifecycleHooks ?? [],
    loadBalancers: given.loadBalancers ?? service.loadBalancers ?? [],
    // A service's Service Connect settings are shown on its deployments.
    serviceConnect:
      given.serviceConnectConfiguration ??
      service.deployments?.find((d) => d.status === 'PRIMARY')?.serviceConnectConfiguration,
    bakeTimeInMinutes: config?.bakeTimeInMinutes,
  };
}

const hasPauseHook = (hooks: readonly DeploymentLifecycleHook[]) =>
  hooks.some((h) => h.targetType === 'PAUSE');

/**
 * What the service decides: a strategy that shifts traffic needs somewhere to shift it (load balancers
 * with an alternate target group, or Service Connect), hooks must suit the strategy, and `wait-until:
 * paused` needs a PAUSE hook to stop at.
 */
export function checkAgainstService(
  service: Service,
  given: Parameters<typeof effectiveSettings>[1],
  waitUntil: WaitUntil,
): EffectiveSettings {
  const e = effectiveSettings(service, given);
  const name = service.serviceName ?? 'the service';
  const from = (what: string, input: string) =>
    given[what as keyof typeof given] !== undefined ? `input '${input}'` : `the service's current settings`;
  if (given.deploymentConfiguration && !given.deploymentConfiguration.strategy)
    checkForStrategy('deployment-configuration', given.deploymentConfiguration, e.strategy);
  if (e.strategy !== 'ROLLING') {
    const connect = e.serviceConnect?.enabled === true;
    if (!e.loadBalancers.length && !connect)
      throw new UserError(
        `The ${e.strategy} strategy shifts traffic between two revisions, which needs a load balancer or Service Connect; "${name}" has neither (${from('loadBalancers', 'load-balancers')}). Give 'load-balancers' with advancedConfiguration, or 'service-connect-configuration', or deploy with strategy ROLLING.`,
      );
    const missing = e.loadBalancers.findIndex((lb) => !lb.advancedConfiguration?.alternateTargetGroupArn);
    if (missing >= 0)
      throw new UserError(
        `The ${e.strategy} strategy needs, for each load balancer, an alternate target group and the listener rule it moves: load balancer ${missing + 1} of "${name}" (${from('loadBalancers', 'load-balancers')}) has no advancedConfiguration.alternateTargetGroupArn. Give 'load-balancers' as a JSON array whose entries carry advancedConfiguration {alternateTargetGroupArn, productionListenerRule, testListenerRule, roleArn}.`,
      );
  }
  if (waitUntil === 'paused' && !hasPauseHook(e.hooks)) {
    throw new UserError(
      `Input 'wait-until' is "paused", but no PAUSE lifecycle hook is configured for "${name}" (${from('deploymentConfiguration', 'deployment-configuration')}), so the deployment would never pause. Add a hook such as {"targetType": "PAUSE", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]} to 'deployment-configuration', or wait until 'succeeded'.`,
    );
  }
  return e;
}

/** Parses and checks the JSON inputs deploy passes to UpdateService as they are. */
export function checkLoadBalancers(value: unknown, input = 'load-balancers'): LoadBalancer[] {
  checkServiceInput(input, value, 'LoadBalancer', true);
  return value as LoadBalancer[];
}

export function checkServiceConnect(
  value: unknown,
  input = 'service-connect-configuration',
): ServiceConnectConfiguration {
  checkServiceInput(input, value, 'ServiceConnectConfiguration');
  return value as ServiceConnectConfiguration;
}
