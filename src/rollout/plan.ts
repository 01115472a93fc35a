/**
 * rollout-ecs-ami's plan: every check across its inputs and every value derived from them and the
 * environment, before any AWS call — where to roll out (a cluster's capacity providers, named groups or
 * launch templates), the refresh preferences, the region a cluster ARN names, the version description
 * with the run's URL, whether the fleet can be checked afterwards. No SDK client is loaded here.
 */
import type { Env } from '../aws/client.js';
import { AMI_ID_ACCEPTED, isAmiId, parseCluster, regionFromArn } from '../aws/identifiers.js';
import { type Problem, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { runUrl } from '../runner-env.js';
import type { PreferenceSettings } from './refresh.js';

/** An AMI ID, or image-pipeline's `amis` output (JSON list of {region, image}) to pick this region's from. */
export type AmiInput = { ami: string } | { byRegion: Record<string, string> };

export function parseAmi(raw: string): AmiInput | Problem {
  if (isAmiId(raw)) return { ami: raw };
  if (!raw.startsWith('['))
    return { problem: `expected ${AMI_ID_ACCEPTED} or image-pipeline's "amis" JSON output` };
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (error) {
    return { problem: `it looks like JSON but does not parse (${(error as Error).message})` };
  }
  const byRegion: Record<string, string> = {};
  for (const item of Array.isArray(list) ? list : []) {
    const { region: r, image } = (item ?? {}) as { region?: unknown; image?: unknown };
    if (typeof r !== 'string' || typeof image !== 'string' || !isAmiId(image)) {
      return {
        problem:
          'each item of the JSON list needs a region and an image (an AMI ID), as image-pipeline\'s "amis" output has',
      };
    }
    byRegion[r] = image;
  }
  if (Object.keys(byRegion).length === 0) return { problem: 'the JSON list has no AMIs' };
  return { byRegion };
}

/** The inputs rollout-ecs-ami reads (the shell's spec produces exactly this). */
export interface RolloutSettings {
  ami: AmiInput;
  cluster: string | undefined;
  'capacity-providers': string[] | undefined;
  'auto-scaling-groups': string[] | undefined;
  'launch-templates': string[] | undefined;
  'set-default-version': 'auto' | 'true' | 'false';
  refresh: boolean;
  'min-healthy-percentage': number;
  'max-healthy-percentage': number | undefined;
  'instance-warmup': number | undefined;
  'skip-matching': boolean;
  'auto-rollback': 'auto' | 'true' | 'false';
  'scale-in-protected-instances': 'auto' | 'Refresh' | 'Ignore' | 'Wait';
  'standby-instances': 'Terminate' | 'Ignore' | 'Wait' | undefined;
  checkpoints: number[] | undefined;
  'checkpoint-delay': number | undefined;
  alarms: string[] | undefined;
  'bake-time': number | undefined;
  'if-refresh-running': 'wait' | 'fail';
  wait: boolean;
  timeout: number;
  'poll-interval': number;
  verify: boolean;
  'verify-timeout': number;
  services: string[] | undefined;
  'cancel-on-abort': boolean;
  region: string | undefined;
}

export interface RolloutPlan {
  ami: AmiInput;
  /** The cluster as given (a name or an ARN, both of which ECS takes) and its name for messages. */
  cluster?: { ref: string; name: string };
  capacityProviders?: string[];
  groups?: string[];
  launchTemplates?: string[];
  /** The region input, else the cluster ARN's; undefined leaves it to the environment. */
  region: string | undefined;
  setDefaultVersion: 'auto' | 'true' | 'false';
  refresh: boolean;
  preferences: PreferenceSettings;
  ifRefreshRunning: 'wait' | 'fail';
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  /** Check the container instances and services after the refreshes (asked for, with a cluster to check). */
  verify: boolean;
  verifyTimeoutMs: number;
  services?: string[];
  cancelOnAbort: boolean;
  /** The run that made the launch template versions (their description says so). */
  runUrl?: string;
}

const seconds = (ms: number) => Math.round(ms / 1000);

export function planRollout(s: RolloutSettings, env: Env, log: Logger): RolloutPlan {
  if (s['capacity-providers'] && !s.cluster) {
    throw new UserError(
      "Input 'capacity-providers' picks among a cluster's capacity providers: give 'cluster' too.",
    );
  }
  if (!s.cluster && !s['auto-scaling-groups'] && !s['launch-templates']) {
    throw new UserError(
      "Say where to roll the AMI out: input 'cluster' (its capacity providers' Auto Scaling groups), 'auto-scaling-groups', or 'launch-templates'.",
    );
  }
  if (s['capacity-providers'] && (s['auto-scaling-groups'] || s['launch-templates'])) {
    throw new UserError(
      "Input 'capacity-providers' picks groups through the cluster; with 'auto-scaling-groups' or 'launch-templates' the groups are named already. Give one way.",
    );
  }
  const checkpoints = s.checkpoints;
  if (checkpoints) {
    if (checkpoints.some((c, i) => i > 0 && c <= checkpoints[i - 1]!)) {
      throw new UserError(
        `Input 'checkpoints' has the value "${checkpoints.join(', ')}": the percentages must go up.`,
      );
    }
    if (checkpoints.at(-1) !== 100) {
      throw new UserError(
        `Input 'checkpoints' has the value "${checkpoints.join(', ')}": the last checkpoint must be 100, or the refresh stops before replacing every instance.`,
      );
    }
  }
  if (s['checkpoint-delay'] !== undefined && !checkpoints) {
    throw new UserError("Input 'checkpoint-delay' is the pause at each checkpoint: give 'checkpoints' too.");
  }
  if ((s.alarms?.length ?? 0) > 10) {
    throw new UserError(
      `Input 'alarms' names ${s.alarms!.length} alarms; an instance refresh takes at most 10.`,
    );
  }
  const maxHealthy = s['max-healthy-percentage'];
  if (maxHealthy !== undefined && maxHealthy - s['min-healthy-percentage'] > 100) {
    throw new UserError(
      `Inputs 'min-healthy-percentage' (${s['min-healthy-percentage']}) and 'max-healthy-percentage' (${maxHealthy}) are more than 100 apart; AWS allows a range of at most 100.`,
    );
  }
  const region = regionFromArn('cluster', s.cluster, s.region);
  const verify = s.verify && Boolean(s.cluster);
  if (s.verify && s.wait && s.refresh && !s.cluster) {
    log.info(
      "No 'cluster' given: the container instances cannot be checked after the refresh (verify skipped).",
    );
  }
  const url = runUrl(env);
  return {
    ami: s.ami,
    ...(s.cluster ? { cluster: { ref: s.cluster, name: parseCluster(s.cluster).name } } : {}),
    ...(s['capacity-providers'] ? { capacityProviders: s['capacity-providers'] } : {}),
    ...(s['auto-scaling-groups'] ? { groups: s['auto-scaling-groups'] } : {}),
    ...(s['launch-templates'] ? { launchTemplates: s['launch-templates'] } : {}),
    region,
    setDefaultVersion: s['set-default-version'],
    refresh: s.refresh,
    preferences: {
      minHealthyPercentage: s['min-healthy-percentage'],
      ...(maxHealthy !== undefined ? { maxHealthyPercentage: maxHealthy } : {}),
      ...(s['instance-warmup'] !== undefined ? { instanceWarmupSeconds: seconds(s['instance-warmup']) } : {}),
      skipMatching: s['skip-matching'],
      autoRollback: s['auto-rollback'],
      scaleInProtectedInstances: s['scale-in-protected-instances'],
      ...(s['standby-instances'] ? { standbyInstances: s['standby-instances'] } : {}),
      ...(checkpoints ? { checkpoints } : {}),
      ...(s['checkpoint-delay'] !== undefined
        ? { checkpointDelaySeconds: seconds(s['checkpoint-delay']) }
        : {}),
      ...(s.alarms ? { alarms: s.alarms } : {}),
      ...(s['bake-time'] !== undefined ? { bakeTimeSeconds: seconds(s['bake-time']) } : {}),
    },
    ifRefreshRunning: s['if-refresh-running'],
    wait: s.wait,
    timeoutMs: s.timeout,
    pollIntervalMs: s['poll-interval'],
    verify,
    verifyTimeoutMs: s['verify-timeout'],
    ...(s.services ? { services: s.services } : {}),
    cancelOnAbort: s['cancel-on-abort'],
    ...(url ? { runUrl: url } : {}),
  };
}

/** The AMI for the region the groups launch in: the one given, or image-pipeline's for this region. */
export function amiForRegion(ami: AmiInput, region: string): string {
  if ('ami' in ami) return ami.ami;
  const here = ami.byRegion[region];
  if (!here) {
    throw new UserError(
      `The image has no AMI in ${region}, where the groups launch: it was distributed to ${Object.keys(ami.byRegion).join(', ')}. Add ${region} to the image's distribution configuration, or run this step in one of those regions.`,
    );
  }
  return here;
}
