/**
 * The EC2 side of ECS capacity: launch templates, AMIs, subnets and security groups (EC2, ec2 query
 * protocol) and Auto Scaling
 * groups with instance refreshes (Auto Scaling, awsQuery). A refresh is played on the simulator's clock
 * from its plan: Pending, batches of replacements sized by the healthy percentages, checkpoints, then
 * Baking and Successful — or a failure (rolled back when AutoRollback is on), a wait on scale-in
 * protected instances, or a cancellation. The ECS container instances (services/ecs-capacity.ts) are
 * derived from the groups' instances, so what ECS reports follows the refresh.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT, type RefreshPlan } from '../scenario.js';
import type { QueryService, RequestContext, Simulator } from '../server.js';
import { any, bool, int, list, str, struct } from '../shapes.js';
import { imageBuilderState, buildStatus } from './imagebuilder.js';

type Params = Record<string, unknown>;

interface TemplateVersion {
  number: number;
  data: Record<string, unknown>;
  description?: string;
  createdAt: number;
}

export interface LaunchTemplate {
  id: string;
  name: string;
  region: string;
  account: string;
  versions: TemplateVersion[];
  defaultVersion: number;
  createdAt: number;
  /** Client tokens seen: the version each made, and the parameters it was made with. */
  tokens: Map<string, { version: number; params: string }>;
}

export interface GroupInstance {
  id: string;
  imageId: string;
  templateVersion: number;
  protected: boolean;
  zone: string;
}

interface TemplateRef {
  id: string;
  name: string;
  version: string;
}

interface Refresh {
  id: string;
  startedAt: number;
  plan: RefreshPlan;
  preferences: Params;
  /** The template version the refresh moves to (DesiredConfiguration, or what the group resolves to). */
  desired?: TemplateRef;
  targetVersion: number;
  targetImage: string;
  before: GroupInstance[];
  cancelledAt?: number;
  /** The group's template reference was moved to `desired` (done once, on success). */
  applied?: boolean;
}

export interface Group {
  name: string;
  arn: string;
  region: string;
  account: string;
  template?: TemplateRef;
  mixed: boolean;
  launchConfiguration?: string;
  instances: GroupInstance[];
  protectNew: boolean;
  plans: RefreshPlan[];
  refreshes: Refresh[];
  createdAt: number;
}

interface FleetState {
  images: { imageId: string; region: string; name: string }[];
  templates: LaunchTemplate[];
  groups: Group[];
}

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);
const ZONES = ['a', 'b', 'c'];

export function fleetState(sim: Simulator): FleetState {
  let state = sim.state.get('fleet') as FleetState | undefined;
  if (state) return state;
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  const now = sim.now();
  const ec2 = sim.scenario.ec2 ?? {};
  const images = (ec2.images ?? []).map((i) => ({
    imageId: i.imageId,
    region: i.region ?? 'us-east-1',
    name: i.name ?? `image ${i.imageId}`,
  }));
  const templates: LaunchTemplate[] = (ec2.launchTemplates ?? []).map((t) => {
    const region = t.region ?? 'us-east-1';
    const count = t.versions ?? 1;
    images.push({ imageId: t.imageId, region, name: `image ${t.imageId}` });
    return {
      id: `lt-${hex(`${region}/${t.name}`, 17)}`,
      name: t.name,
      region,
      account,
      versions: Array.from({ length: count }, (_, i) => ({
        number: i + 1,
        data: {
          imageId: t.imageId,
          instanceType: t.instanceType ?? 'm6i.large',
          iamInstanceProfile: { name: 'ecsInstanceRole' },
          userData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n`).toString(
            'base64',
          ),
        },
        createdAt: now - (count - i) * 86_400_000,
      })),
      defaultVersion: t.defaultVersion ?? count,
      createdAt: now - 90 * 86_400_000,
      tokens: new Map(),
    };
  });
  const groups: Group[] = (sim.scenario.autoscaling?.groups ?? []).map((g) => {
    const region = g.region ?? 'us-east-1';
    const template = g.launchConfiguration
      ? undefined
      : templates.find((t) => t.name === g.launchTemplate && t.region === region);
    if (!template && !g.launchConfiguration)
      throw new Error(
        `scenario: group ${g.name} names launch template ${g.launchTemplate}, which is not seeded`,
      );
    const ref = template
      ? { id: template.id, name: template.name, version: g.version ?? '$Default' }
      : undefined;
    const version = template ? resolveVersion(template, ref!.version) : undefined;
    const imageId = g.imageId ?? (version ? String(version.data['imageId']) : 'ami-0legacy000000000');
    const group: Group = {
      name: g.name,
      arn: `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${hex(g.name, 8)}-0000-4000-8000-${hex(`${g.name}/id`, 12)}:autoScalingGroupName/${g.name}`,
      region,
      account,
      mixed: g.mixedInstances ?? false,
      ...(ref ? { template: ref } : {}),
      ...(g.launchConfiguration ? { launchConfiguration: g.launchConfiguration } : {}),
      instances: Array.from({ length: g.instances ?? 3 }, (_, i) => ({
        id: `i-${hex(`${g.name}/${i}`, 17)}`,
        imageId,
        templateVersion: version?.number ?? 0,
        protected: g.protectedFromScaleIn ?? false,
        zone: `${region}${ZONES[i % 3]}`,
      })),
      protectNew: g.protectedFromScaleIn ?? false,
      plans: g.refreshes ?? [{}],
      refreshes: [],
      createdAt: now - 30 * 86_400_000,
    };
    if (g.running) {
      const { startedMsAgo, ...plan } = g.running;
      group.refreshes.push(
        newRefresh(
          group,
          templates,
          now - (startedMsAgo ?? 60_000),
          plan,
          {},
          undefined,
          `running/${g.name}`,
        ),
      );
    }
    return group;
  });
  state = { images, templates, groups };
  sim.state.set('fleet', state);
  return state;
}

function resolveVersion(t: LaunchTemplate, version: string): TemplateVersion | undefined {
  const number =
    version === '$Default' ? t.defaultVersion : version === '$Latest' ? t.versions.length : Number(version);
  return t.versions.find((v) => v.number === number);
}

/** Does this AMI exist in the region (seeded, or made by a finished Image Builder build)? */
export function imageExists(sim: Simulator, region: string, imageId: string) {
  const seeded = fleetState(sim).images.find((i) => i.imageId === imageId && i.region === region);
  if (seeded) return seeded;
  for (const build of imageBuilderState(sim).builds) {
    if (!build.distributionRegions.includes(region)) continue;
    if (buildStatus(build, sim.now()).status !== 'AVAILABLE') continue;
    const ami = `ami-${hex(`${build.arn}@${region}`, 17)}`;
    if (ami === imageId)
      return { imageId, region, name: `${build.name} ${build.version}/${build.buildNumber}` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Instance refreshes

const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);

interface RefreshView {
  status: string;
  reason?: string;
  percentage: number;
  toUpdate: number;
  endTime?: number;
  instances: GroupInstance[];
  rollback?: { reason: string; startedAt: number; percentage: number; toUpdate: number };
}

function newRefresh(
  group: Group,
  templates: LaunchTemplate[],
  now: number,
  plan: RefreshPlan,
  preferences: Params,
  desired: TemplateRef | undefined,
  seed: string,
): Refresh {
  const ref = desired ?? group.template;
  const template = ref ? templates.find((t) => t.id === ref.id) : undefined;
  const version = template && ref ? resolveVersion(template, ref.version) : undefined;
  return {
    id: `${hex(`${seed}/a`, 8)}-${hex(`${seed}/b`, 4)}-4${hex(`${seed}/c`, 3)}-8${hex(`${seed}/d`, 3)}-${hex(`${seed}/e`, 12)}`,
    startedAt: now,
    plan,
    preferences,
    ...(desired ? { desired } : {}),
    targetVersion: version?.number ?? 0,
    targetImage: String(version?.data['imageId'] ?? ''),
    before: groupInstances(group, now),
  };
}

const num = (v: unknown, fallback: number) => (v === undefined ? fallback : Number(v));

/** The refresh at `now`, derived from its plan and start: nothing is stored as it goes. */
function viewRefresh(group: Group, r: Refresh, now: number): RefreshView {
  const prefs = r.preferences;
  const skipMatching = String(prefs['SkipMatching']) === 'true';
  const protectedMode = String(prefs['ScaleInProtectedInstances'] ?? 'Wait');
  const autoRollback = String(prefs['AutoRollback']) === 'true';
  const minHealthy = num(prefs['MinHealthyPercentage'], 90);
  const maxHealthy = num(prefs['MaxHealthyPercentage'], 100);
  const bakeMs = num(prefs['BakeTime'], 0) * 1000;
  const checkpoints = ((prefs['CheckpointPercentages'] as string[] | undefined) ?? []).map(Number);
  const checkpointMs = num(prefs['CheckpointDelay'], checkpoints.length ? 3600 : 0) * 1000;
  const plan = r.plan;
  const batchMs = plan.batchMs ?? 1000;
  const pendingMs = plan.pendingMs ?? 300;

  const matches = (i: GroupInstance) => i.imageId === r.targetImage && i.templateVersion === r.targetVersion;
  const candidates = r.before.filter((i) => !(skipMatching && matches(i)));
  const ignored = candidates.filter((i) => i.protected && protectedMode === 'Ignore');
  const toUpdate = candidates.filter((i) => !ignored.includes(i));
  const blocked = toUpdate.filter((i) => i.protected && protectedMode === 'Wait');
  const replaceable = toUpdate.filter((i) => !blocked.includes(i));
  const n = toUpdate.length;
  const total = Math.max(1, r.before.length);
  const batch = Math.max(
    1,
    Math.floor((total * (100 - minHealthy)) / 100) + Math.floor((total * (maxHealthy - 100)) / 100),
  );

  // When each replacement finishes, with checkpoint pauses.
  const doneAt: number[] = [];
  let t = r.startedAt + pendingMs;
  const passed = new Set<number>();
  for (let k = 0; k < replaceable.length; k += batch) {
    t += batchMs;
    const upTo = Math.min(replaceable.length, k + batch);
    for (let j = k; j < upTo; j++) doneAt.push(t);
    const pct = Math.floor((100 * upTo) / Math.max(n, 1));
    for (const c of checkpoints) {
      if (c < 100 && pct >= c && !passed.has(c)) {
        passed.add(c);
        t += checkpointMs;
      }
    }
  }
  const failAt =
    plan.failAfterInstances !== undefined && plan.failAfterInstances < replaceable.length
      ? r.startedAt + pendingMs + (Math.floor(plan.failAfterInstances / batch) + 1) * batchMs
      : undefined;
  const stopAt = Math.min(r.cancelledAt ?? Infinity, failAt ?? Infinity);
  const clockAt = Math.min(now, stopAt);
  const replaced = doneAt.filter((d) => d <= clockAt).length;

  const fresh = (k: number): GroupInstance => ({
    id: `i-${hex(`${r.id}/${k}`, 17)}`,
    imageId: r.targetImage,
    templateVersion: r.targetVersion,
    protected: group.protectNew,
    zone: replaceable[k]!.zone,
  });
  const swap = (count: number, make: (k: number) => GroupInstance) => {
    const map = new Map(replaceable.slice(0, count).map((old, k) => [old.id, make(k)]));
    return r.before.map((i) => map.get(i.id) ?? i);
  };
  const percentage = (done: number) => (n === 0 ? 100 : Math.floor((100 * done) / n));
  const base = (status: string, done: number, extra: Partial<RefreshView> = {}): RefreshView => ({
    status,
    percentage: percentage(done),
    toUpdate: n - done,
    instances: swap(done, fresh),
    ...extra,
  });

  if (now < r.startedAt + pendingMs && r.cancelledAt === undefined) return base('Pending', 0);
  if (
    r.cancelledAt !== undefined &&
    now >= r.cancelledAt &&
    (failAt === undefined || r.cancelledAt < failAt)
  ) {
    const status = now < r.cancelledAt + 500 ? 'Cancelling' : 'Cancelled';
    return base(status, replaced, {
      reason: 'Instance refresh was cancelled by a CancelInstanceRefresh request.',
      ...(status === 'Cancelled' ? { endTime: r.cancelledAt + 500 } : {}),
    });
  }
  if (failAt !== undefined && now >= failAt) {
    const reason =
      plan.reason ?? `Instance ${replaceable[plan.failAfterInstances!]?.id ?? ''} failed its health checks.`;
    if (!autoRollback) return base('Failed', replaced, { reason, endTime: failAt });
    const undo = replaced;
    const undoneAt = (k: number) => failAt + (Math.floor(k / batch) + 1) * batchMs;
    const undone = Array.from({ length: undo }, (_, k) => k).filter((k) => undoneAt(k) <= now).length;
    const instances = swap(undo, (k) =>
      k < undone ? { ...replaceable[k]!, id: `i-${hex(`${r.id}/rollback/${k}`, 17)}` } : fresh(k),
    );
    const finished = undone === undo && (undo === 0 || now >= undoneAt(undo - 1));
    return {
      status: finished ? 'RollbackSuccessful' : 'RollbackInProgress',
      reason: `An instance refresh failed and was rolled back: ${reason}`,
      percentage: percentage(replaced),
      toUpdate: n - replaced,
      instances,
      rollback: {
        reason,
        startedAt: failAt,
        percentage: undo === 0 ? 100 : Math.floor((100 * undone) / undo),
        toUpdate: undo - undone,
      },
      ...(finished ? { endTime: undo === 0 ? failAt : undoneAt(undo - 1) } : {}),
    };
  }
  if (replaced < replaceable.length) return base('InProgress', replaced);
  const allDone = doneAt.at(-1) ?? r.startedAt + pendingMs;
  if (blocked.length > 0) {
    const waitMs = plan.protectedWaitMs ?? 3_600_000;
    if (now < allDone + waitMs) {
      return base('InProgress', replaced, {
        reason: `Waiting for ${blocked.length} instances protected from scale-in (ScaleInProtectedInstances: Wait).`,
      });
    }
    return base('Failed', replaced, {
      reason: `${blocked.length} instances protected from scale-in were not replaced in the waiting time (ScaleInProtectedInstances: Wait).`,
      endTime: allDone + waitMs,
    });
  }
  if (now < allDone + bakeMs) return base('Baking', replaced);
  return base('Successful', replaced, { endTime: allDone + bakeMs });
}

/** The group's instances at `now`: those the last refresh left, or its seeded ones. */
export function groupInstances(group: Group, now: number): GroupInstance[] {
  const last = group.refreshes.at(-1);
  if (!last) return group.instances;
  const view = viewRefresh(group, last, now);
  if (view.status === 'Successful' && last.desired && !last.applied) {
    last.applied = true;
    group.template = last.desired;
  }
  return view.instances;
}

function activeRefresh(group: Group, now: number): Refresh | undefined {
  const last = group.refreshes.at(-1);
  return last && ACTIVE.has(viewRefresh(group, last, now).status) ? last : undefined;
}

// ---------------------------------------------------------------------------------------------------
// EC2

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function findTemplate(ctx: RequestContext, input: Params): LaunchTemplate {
  const { templates } = fleetState(ctx.sim);
  const id = input['LaunchTemplateId'] as string | undefined;
  const name = input['LaunchTemplateName'] as string | undefined;
  if (!id === !name)
    throw new AwsError(
      'MissingParameter',
      'The request must contain exactly one of LaunchTemplateId or LaunchTemplateName.',
    );
  if (id !== undefined && !/^lt-[0-9a-f]{17}$/.test(id))
    throw new AwsError(
      'InvalidLaunchTemplateId.Malformed',
      `The specified launch template ID "${id}" is malformed.`,
    );
  const found = templates.find((t) => t.region === ctx.region && (id ? t.id === id : t.name === name));
  if (!found) {
    if (id)
      throw new AwsError(
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`,
      );
    throw new AwsError(
      'InvalidLaunchTemplateName.NotFoundException',
      `The specified launch template, with template name ${name}, does not exist.`,
    );
  }
  return found;
}

function describeVersion(t: LaunchTemplate, v: TemplateVersion) {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    versionNumber: v.number,
    versionDescription: v.description,
    createTime: new Date(v.createdAt),
    createdBy: `arn:aws:sts::${t.account}:assumed-role/platform/ci`,
    defaultVersion: v.number === t.defaultVersion,
    launchTemplateData: v.data,
  };
}

function describeTemplate(t: LaunchTemplate) {
  return {
    launchTemplateId: t.id,
    launchTemplateName: t.name,
    createTime: new Date(t.createdAt),
    createdBy: `arn:aws:sts::${t.account}:assumed-role/platform/ci`,
    defaultVersionNumber: t.defaultVersion,
    latestVersionNumber: t.versions.length,
  };
}

const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);
/** Request data (ImageId, InstanceType, …) in the response's spelling (imageId, instanceType, …). */
function responseData(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(responseData);
  if (typeof data !== 'object' || data === null) return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [lowerFirst(k), responseData(v)]));
}

// ---------------------------------------------------------------------------------------------------
// EC2 networking: subnets and security groups, as the scenario seeds them

interface Subnet {
  id: string;
  vpcId: string;
  region: string;
  account: string;
  zone: string;
  cidr: string;
}

interface SecurityGroup {
  id: string;
  vpcId: string;
  name: string;
  region: string;
  account: string;
}

export function networkState(sim: Simulator): { subnets: Subnet[]; securityGroups: SecurityGroup[] } {
  let state = sim.state.get('ec2-network') as
    { subnets: Subnet[]; securityGroups: SecurityGroup[] } | undefined;
  if (state) return state;
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  const ec2 = sim.scenario.ec2 ?? {};
  state = {
    subnets: (ec2.subnets ?? []).map((s, i) => {
      const region = s.region ?? 'us-east-1';
      return {
        id: s.id,
        vpcId: s.vpcId,
        region,
        account,
        zone: s.availabilityZone ?? `${region}${ZONES[i % 3]}`,
        cidr: `10.0.${i % 256}.0/24`,
      };
    }),
    securityGroups: (ec2.securityGroups ?? []).map((g) => ({
      id: g.id,
      vpcId: g.vpcId,
      name: g.name ?? `group-${g.id.replace(/^sg-/, '')}`,
      region: g.region ?? 'us-east-1',
      account,
    })),
  };
  sim.state.set('ec2-network', state);
  return state;
}

/** Filter.N.Name / Filter.N.Value.N as EC2 reads them; a filter name EC2 does not know is refused. */
function applyFilters<T>(items: T[], filters: unknown, known: Record<string, (item: T) => string>): T[] {
  let out = items;
  for (const f of (filters as { Name?: string; Value?: string[] }[] | undefined) ?? []) {
    const name = f.Name ?? '';
    const read = known[name];
    if (!read) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const values = f.Value ?? [];
    out = out.filter((item) => values.includes(read(item)));
  }
  return out;
}

/** NextToken / MaxResults: without MaxResults EC2 returns everything. */
function ec2Page<T>(items: T[], input: Params): { items: T[]; nextToken?: string } {
  if (input['MaxResults'] === undefined) return { items };
  const max = Number(input['MaxResults']);
  const token = input['NextToken'] as string | undefined;
  const from = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(from) || from < 0)
    throw new AwsError('InvalidParameterValue', `Invalid value '${token}' for NextToken`);
  const to = from + max;
  return {
    items: items.slice(from, to),
    ...(to < items.length ? { nextToken: Buffer.from(String(to)).toString('base64') } : {}),
  };
}

const EGRESS_ALL = [
  { ipProtocol: '-1', groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [] },
];

/*
 * EC2 input shapes, by wire name (the model's locationName: `ImageId.N`, `Filter.N.Value.N`,
 * `SetDefaultVersion`), from shared/reference/aws-models/ec2-2016-11-15: members, required and types.
 * The model's lengths and patterns are left out: which of them EC2 enforces, and in what words, is not on
 * record here (EC2 is not a Coral service and words its refusals its own way).
 */
const EC2_FILTERS = list(struct({ Name: str(), Value: list(str()) }));
const EC2_TEMPLATE = { DryRun: bool, LaunchTemplateId: str(), LaunchTemplateName: str() };
/** RequestLaunchTemplateData: the members the simulator reads or echoes; the rest pass unchecked. */
const LAUNCH_TEMPLATE_DATA = struct({
  ImageId: str(),
  InstanceType: str(),
  KeyName: str(),
  UserData: str(),
  EbsOptimized: bool,
  DisableApiTermination: bool,
  DisableApiStop: bool,
  IamInstanceProfile: struct({ Arn: str(), Name: str() }),
  SecurityGroupId: list(str()),
  SecurityGroup: list(str()),
  Monitoring: struct({ Enabled: bool }),
  MetadataOptions: struct({ HttpTokens: str(), HttpPutResponseHopLimit: int(), HttpEndpoint: str() }),
  BlockDeviceMapping: list(any),
  NetworkInterface: list(any),
  TagSpecification: list(any),
});

export const ec2Service: QueryService = {
  protocol: 'query',
  style: 'ec2',
  name: 'ec2',
  iamPrefix: 'ec2',
  signingName: 'ec2',
  xmlns: EC2_NS,
  throttle: { type: 'RequestLimitExceeded', status: 503 },
  operations: {
    DescribeImages: {
      input: struct({
        ExecutableBy: list(str()),
        ImageId: list(str()),
        Owner: list(str()),
        IncludeDeprecated: bool,
        IncludeDisabled: bool,
        MaxResults: int(),
        NextToken: str(),
        DryRun: bool,
        Filter: EC2_FILTERS,
      }),
      handler(input, ctx) {
        const ids = (input['ImageId'] as string[] | undefined) ?? [];
        const bad = ids.find((id) => !/^ami-[0-9a-f]{8,17}$/.test(id));
        if (bad) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${bad}"`);
        const found = ids.map((id) => imageExists(ctx.sim, ctx.region, id));
        const missing = ids.filter((_, i) => !found[i]);
        if (missing.length)
          throw new AwsError(
            'InvalidAMIID.NotFound',
            `The image id '[${missing.join(', ')}]' does not exist`,
          );
        return {
          imagesSet: found.map((i) => ({
            imageId: i!.imageId,
            name: i!.name,
            imageState: 'available',
            architecture: 'x86_64',
            ownerId: ctx.account,
            creationDate: new Date(ctx.now - 86_400_000).toISOString(),
          })),
        };
      },
    },
    DescribeSubnets: {
      input: struct({
        Filter: EC2_FILTERS,
        SubnetId: list(str()),
        NextToken: str(),
        MaxResults: int({ min: 5, max: 1000 }),
        DryRun: bool,
      }),
      handler(input, ctx) {
        const ids = (input['SubnetId'] as string[] | undefined) ?? [];
        const bad = ids.find((id) => !/^subnet-[0-9a-f]{8,17}$/.test(id));
        if (bad)
          throw new AwsError('InvalidSubnetID.Malformed', `Invalid id: "${bad}" (expecting "subnet-...")`);
        const here = networkState(ctx.sim).subnets.filter((s) => s.region === ctx.region);
        const missing = ids.filter((id) => !here.some((s) => s.id === id));
        if (missing.length)
          throw new AwsError(
            'InvalidSubnetID.NotFound',
            `The subnet ID '${missing.join(',')}' does not exist`,
          );
        const selected = applyFilters(
          here.filter((s) => ids.length === 0 || ids.includes(s.id)),
          input['Filter'],
          { 'subnet-id': (s) => s.id, 'vpc-id': (s) => s.vpcId, 'availability-zone': (s) => s.zone },
        );
        const { items, nextToken } = ec2Page(selected, input);
        return {
          subnetSet: items.map((s) => ({
            availabilityZone: s.zone,
            availableIpAddressCount: 251,
            cidrBlock: s.cidr,
            defaultForAz: false,
            mapPublicIpOnLaunch: false,
            state: 'available',
            subnetId: s.id,
            vpcId: s.vpcId,
            ownerId: s.account,
            subnetArn: `arn:aws:ec2:${s.region}:${s.account}:subnet/${s.id}`,
          })),
          nextToken,
        };
      },
    },
    DescribeSecurityGroups: {
      input: struct({
        GroupId: list(str()),
        GroupName: list(str()),
        NextToken: str(),
        MaxResults: int({ min: 5, max: 1000 }),
        DryRun: bool,
        Filter: EC2_FILTERS,
      }),
      handler(input, ctx) {
        const ids = (input['GroupId'] as string[] | undefined) ?? [];
        const names = (input['GroupName'] as string[] | undefined) ?? [];
        const bad = ids.find((id) => !/^sg-[0-9a-f]{8,17}$/.test(id));
        if (bad) throw new AwsError('InvalidGroupId.Malformed', `Invalid id: "${bad}" (expecting "sg-...")`);
        const here = networkState(ctx.sim).securityGroups.filter((g) => g.region === ctx.region);
        const missing = [
          ...ids.filter((id) => !here.some((g) => g.id === id)),
          ...names.filter((n) => !here.some((g) => g.name === n)),
        ];
        if (missing.length)
          throw new AwsError(
            'InvalidGroup.NotFound',
            `The security group '${missing.join(',')}' does not exist`,
          );
        const selected = applyFilters(
          here.filter(
            (g) => (ids.length === 0 && names.length === 0) || ids.includes(g.id) || names.includes(g.name),
          ),
          input['Filter'],
          { 'group-id': (g) => g.id, 'group-name': (g) => g.name, 'vpc-id': (g) => g.vpcId },
        );
        const { items, nextToken } = ec2Page(selected, input);
        return {
          securityGroupInfo: items.map((g) => ({
            groupDescription: `${g.name} security group`,
            groupName: g.name,
            ipPermissions: [],
            ownerId: g.account,
            groupId: g.id,
            ipPermissionsEgress: EGRESS_ALL,
            vpcId: g.vpcId,
            securityGroupArn: `arn:aws:ec2:${g.region}:${g.account}:security-group/${g.id}`,
          })),
          nextToken,
        };
      },
    },
    DescribeLaunchTemplateVersions: {
      input: struct({
        ...EC2_TEMPLATE,
        LaunchTemplateVersion: list(str()),
        MinVersion: str(),
        MaxVersion: str(),
        NextToken: str(),
        MaxResults: int(),
        Filter: EC2_FILTERS,
        ResolveAlias: bool,
        IncludeManagedResources: bool,
      }),
      handler(input, ctx) {
        const t = findTemplate(ctx, input);
        const wanted = (input['LaunchTemplateVersion'] as string[] | undefined) ?? [];
        const versions = wanted.length
          ? wanted.map((w) => {
              const v = resolveVersion(t, w);
              if (!v)
                throw new AwsError(
                  'InvalidLaunchTemplateId.VersionNotFound',
                  `Could not find launch template version ${w} for template ${t.id}.`,
                );
              return v;
            })
          : t.versions;
        return { launchTemplateVersionSet: versions.map((v) => describeVersion(t, v)) };
      },
    },
    CreateLaunchTemplateVersion: {
      input: struct(
        {
          ...EC2_TEMPLATE,
          ClientToken: str(),
          SourceVersion: str(),
          VersionDescription: str(),
          LaunchTemplateData: LAUNCH_TEMPLATE_DATA,
          ResolveAlias: bool,
        },
        ['LaunchTemplateData'],
      ),
      handler(input, ctx) {
        const t = findTemplate(ctx, input);
        const token = input['ClientToken'] as string | undefined;
        const params = JSON.stringify({
          ...input,
          ClientToken: undefined,
          Action: undefined,
          Version: undefined,
        });
        const again = token ? t.tokens.get(token) : undefined;
        if (again && again.params !== params)
          throw new AwsError(
            'IdempotentParameterMismatch',
            `The client token ${token} was already used with different parameters.`,
          );
        if (again) return { launchTemplateVersion: describeVersion(t, t.versions[again.version - 1]!) };
        const sourceRef = input['SourceVersion'] as string | undefined;
        const source = sourceRef ? resolveVersion(t, sourceRef) : undefined;
        if (sourceRef && !source)
          throw new AwsError(
            'InvalidLaunchTemplateId.VersionNotFound',
            `Could not find launch template version ${sourceRef} for template ${t.id}.`,
          );
        const given = responseData(input['LaunchTemplateData'] ?? {}) as Record<string, unknown>;
        const description = input['VersionDescription'] as string | undefined;
        if (description && description.length > 255)
          throw new AwsError('InvalidParameterValue', 'VersionDescription is longer than 255 characters.');
        const version: TemplateVersion = {
          number: t.versions.length + 1,
          data: { ...(source?.data ?? {}), ...given },
          ...(description ? { description } : {}),
          createdAt: ctx.now,
        };
        t.versions.push(version);
        if (token) t.tokens.set(token, { version: version.number, params });
        const imageId = given['imageId'] as string | undefined;
        const warning =
          imageId && !imageExists(ctx.sim, ctx.region, imageId)
            ? {
                errorSet: [
                  { code: 'InvalidAMIID.NotFound', message: `The image id '[${imageId}]' does not exist` },
                ],
              }
            : undefined;
        return { launchTemplateVersion: describeVersion(t, version), warning };
      },
    },
    ModifyLaunchTemplate: {
      input: struct({ ...EC2_TEMPLATE, ClientToken: str(), SetDefaultVersion: str() }),
      handler(input, ctx) {
        const t = findTemplate(ctx, input);
        const wanted = input['SetDefaultVersion'] as string | undefined;
        if (wanted !== undefined) {
          const v = resolveVersion(t, wanted);
          if (!v)
            throw new AwsError(
              'InvalidLaunchTemplateId.VersionNotFound',
              `Could not find launch template version ${wanted} for template ${t.id}.`,
            );
          t.defaultVersion = v.number;
        }
        return { launchTemplate: describeTemplate(t) };
      },
    },
  },
};

// ---------------------------------------------------------------------------------------------------
// Auto Scaling

const ASG_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

function findGroup(ctx: RequestContext, name: unknown): Group {
  const group = fleetState(ctx.sim).groups.find((g) => g.name === name && g.region === ctx.region);
  if (!group)
    throw new AwsError(
      'ValidationError',
      `AutoScalingGroup name not found - AutoScalingGroup ${String(name)} not found`,
    );
  return group;
}

const templateSpec = (ref: TemplateRef) => ({
  LaunchTemplateId: ref.id,
  LaunchTemplateName: ref.name,
  Version: ref.version,
});

function describeGroup(g: Group, now: number) {
  const instances = groupInstances(g, now);
  const spec = g.template ? templateSpec(g.template) : undefined;
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    ...(g.launchConfiguration ? { LaunchConfigurationName: g.launchConfiguration } : {}),
    ...(spec && !g.mixed ? { LaunchTemplate: spec } : {}),
    ...(spec && g.mixed
      ? {
          MixedInstancesPolicy: {
            LaunchTemplate: {
              LaunchTemplateSpecification: spec,
              Overrides: [{ InstanceType: 'm6i.large' }, { InstanceType: 'm7i.large' }],
            },
            InstancesDistribution: {
              OnDemandBaseCapacity: 1,
              OnDemandPercentageAboveBaseCapacity: 0,
              SpotAllocationStrategy: 'price-capacity-optimized',
            },
          },
        }
      : {}),
    MinSize: 0,
    MaxSize: Math.max(10, instances.length * 2),
    DesiredCapacity: instances.length,
    DefaultCooldown: 300,
    AvailabilityZones: [...new Set(instances.map((i) => i.zone))],
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    CreatedTime: new Date(g.createdAt),
    NewInstancesProtectedFromScaleIn: g.protectNew,
    Instances: instances.map((i) => ({
      InstanceId: i.id,
      InstanceType: 'm6i.large',
      AvailabilityZone: i.zone,
      LifecycleState: 'InService',
      HealthStatus: 'Healthy',
      ...(spec ? { LaunchTemplate: { ...spec, Version: String(i.templateVersion) } } : {}),
      ImageId: i.imageId,
      ProtectedFromScaleIn: i.protected,
    })),
  };
}

function describeRefresh(g: Group, r: Refresh, now: number) {
  const v = viewRefresh(g, r, now);
  const prefs = r.preferences;
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: g.name,
    Status: v.status,
    StatusReason: v.reason,
    StartTime: new Date(r.startedAt),
    EndTime: v.endTime !== undefined ? new Date(v.endTime) : undefined,
    PercentageComplete: v.percentage,
    InstancesToUpdate: v.toUpdate,
    ProgressDetails: {
      LivePoolProgress: { PercentageComplete: v.percentage, InstancesToUpdate: v.toUpdate },
    },
    Preferences: {
      MinHealthyPercentage: prefs['MinHealthyPercentage'] ?? 90,
      ...(prefs['MaxHealthyPercentage'] ? { MaxHealthyPercentage: prefs['MaxHealthyPercentage'] } : {}),
      SkipMatching: prefs['SkipMatching'] ?? 'false',
      AutoRollback: prefs['AutoRollback'] ?? 'false',
      ScaleInProtectedInstances: prefs['ScaleInProtectedInstances'] ?? 'Wait',
      StandbyInstances: prefs['StandbyInstances'] ?? 'Wait',
      ...(prefs['CheckpointPercentages'] ? { CheckpointPercentages: prefs['CheckpointPercentages'] } : {}),
    },
    ...(r.desired ? { DesiredConfiguration: { LaunchTemplate: templateSpec(r.desired) } } : {}),
    ...(v.rollback
      ? {
          RollbackDetails: {
            RollbackReason: v.rollback.reason,
            RollbackStartTime: new Date(v.rollback.startedAt),
            PercentageCompleteOnRollback: v.rollback.percentage,
            InstancesToUpdateOnRollback: v.rollback.toUpdate,
          },
        }
      : {}),
    Strategy: 'Rolling',
  };
}

/** The rules between preferences; each one's type, range and enum are in REFRESH_PREFERENCES. */
function checkPreferences(prefs: Params): void {
  const min = Number(prefs['MinHealthyPercentage'] ?? 90);
  const max = Number(prefs['MaxHealthyPercentage'] ?? 100);
  if (max - min > 100)
    throw new AwsError(
      'ValidationError',
      'The difference between MaxHealthyPercentage and MinHealthyPercentage must be 100 or less.',
    );
  const checkpoints = ((prefs['CheckpointPercentages'] as string[] | undefined) ?? []).map(Number);
  if (checkpoints.some((c, i) => i > 0 && c <= checkpoints[i - 1]!))
    throw new AwsError(
      'ValidationError',
      'CheckpointPercentages must be in ascending order, between 1 and 100.',
    );
  const alarms = (prefs['AlarmSpecification'] as { Alarms?: string[] } | undefined)?.Alarms ?? [];
  if (alarms.length > 10)
    throw new AwsError('ValidationError', 'An alarm specification takes at most 10 alarms.');
}

/*
 * Auto Scaling input shapes, from shared/reference/aws-models/autoscaling-2011-01-01: its Coral front end
 * checks the model's lengths, ranges and enums (the XML-character patterns are left out: the SDK cannot
 * send anything else). Cross-member rules stay in the handlers (checkPreferences).
 */
const GROUP_NAME = str({ min: 1, max: 255 });
const TEMPLATE_SPEC = struct({
  LaunchTemplateId: str({ min: 1, max: 255 }),
  LaunchTemplateName: str({ min: 3, max: 128, pattern: '[a-zA-Z0-9\\(\\)\\.\\-/_]+' }),
  Version: str({ min: 1, max: 255 }),
});
const REFRESH_PREFERENCES = struct({
  MinHealthyPercentage: int({ min: 0, max: 100 }),
  InstanceWarmup: int({ min: 0 }),
  CheckpointPercentages: list(int({ min: 1, max: 100 })),
  CheckpointDelay: int({ min: 0, max: 172_800 }),
  SkipMatching: bool,
  AutoRollback: bool,
  ScaleInProtectedInstances: str({ enum: ['Refresh', 'Ignore', 'Wait'] }),
  StandbyInstances: str({ enum: ['Terminate', 'Ignore', 'Wait'] }),
  AlarmSpecification: struct({ Alarms: list(str({ min: 1, max: 255 })) }),
  MaxHealthyPercentage: int({ min: 100, max: 200 }),
  BakeTime: int({ min: 0, max: 172_800 }),
});

export const autoScalingService: QueryService = {
  protocol: 'query',
  style: 'awsQuery',
  name: 'autoscaling',
  iamPrefix: 'autoscaling',
  signingName: 'autoscaling',
  xmlns: ASG_NS,
  throttle: { type: 'Throttling', status: 400 },
  operations: {
    DescribeAutoScalingGroups: {
      input: struct({
        AutoScalingGroupNames: list(GROUP_NAME),
        IncludeInstances: bool,
        NextToken: str(),
        MaxRecords: int(),
        Filters: list(struct({ Name: str(), Values: list(str()) })),
      }),
      handler(input, ctx) {
        const names = input['AutoScalingGroupNames'] as string[] | undefined;
        if (names && names.length > 100)
          throw new AwsError('ValidationError', 'At most 100 group names per call.');
        const max = num(input['MaxRecords'], 50);
        if (max < 1 || max > 100)
          throw new AwsError('ValidationError', 'MaxRecords must be between 1 and 100.');
        const all = fleetState(ctx.sim).groups.filter(
          (g) => g.region === ctx.region && (!names || names.includes(g.name)),
        );
        const from = num(input['NextToken'], 0);
        const page = all.slice(from, from + max);
        return {
          AutoScalingGroups: page.map((g) => describeGroup(g, ctx.now)),
          NextToken: from + max < all.length ? String(from + max) : undefined,
        };
      },
    },
    StartInstanceRefresh: {
      input: struct(
        {
          AutoScalingGroupName: GROUP_NAME,
          Strategy: str({ enum: ['Rolling', 'ReplaceRootVolume'] }),
          DesiredConfiguration: struct({
            LaunchTemplate: TEMPLATE_SPEC,
            MixedInstancesPolicy: struct({
              LaunchTemplate: struct({ LaunchTemplateSpecification: TEMPLATE_SPEC, Overrides: any }),
              InstancesDistribution: any,
            }),
          }),
          Preferences: REFRESH_PREFERENCES,
        },
        ['AutoScalingGroupName'],
      ),
      handler(input, ctx) {
        const group = findGroup(ctx, input['AutoScalingGroupName']);
        const state = fleetState(ctx.sim);
        if (!group.template)
          throw new AwsError('ValidationError', 'An instance refresh needs a group with a launch template.');
        if (activeRefresh(group, ctx.now))
          throw new AwsError(
            'InstanceRefreshInProgress',
            'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.',
          );
        const prefs = (input['Preferences'] as Params | undefined) ?? {};
        checkPreferences(prefs);
        const desiredIn = (input['DesiredConfiguration'] as Params | undefined) ?? {};
        const mixedSpec = (
          (desiredIn['MixedInstancesPolicy'] as Params | undefined)?.['LaunchTemplate'] as Params | undefined
        )?.['LaunchTemplateSpecification'] as Params | undefined;
        const s = (desiredIn['LaunchTemplate'] as Params | undefined) ?? mixedSpec;
        let desired: TemplateRef | undefined;
        if (s) {
          const t = findTemplate(ctx, s);
          const version = String(s['Version'] ?? '$Default');
          if (!resolveVersion(t, version))
            throw new AwsError('ValidationError', `Launch template ${t.id} has no version ${version}.`);
          desired = { id: t.id, name: t.name, version };
        }
        if (String(prefs['AutoRollback']) === 'true') {
          const version = (desired ?? group.template).version;
          if (version === '$Latest' || version === '$Default')
            throw new AwsError(
              'ValidationError',
              'AutoRollback is not supported when the desired configuration uses the $Latest or $Default launch template version.',
            );
        }
        const plans = group.plans;
        const mine = group.refreshes.filter((r) => !r.id.startsWith('running')).length;
        const plan = plans[Math.min(mine, plans.length - 1)] ?? {};
        // Settle the group (a finished refresh's template move) before taking its instances.
        groupInstances(group, ctx.now);
        const refresh = newRefresh(
          group,
          state.templates,
          ctx.now,
          plan,
          prefs,
          desired,
          `${group.name}/${group.refreshes.length}/${ctx.now}`,
        );
        group.refreshes.push(refresh);
        return { InstanceRefreshId: refresh.id };
      },
    },
    DescribeInstanceRefreshes: {
      input: struct(
        {
          AutoScalingGroupName: GROUP_NAME,
          InstanceRefreshIds: list(str({ min: 1, max: 255 })),
          NextToken: str(),
          MaxRecords: int(),
        },
        ['AutoScalingGroupName'],
      ),
      handler(input, ctx) {
        const group = findGroup(ctx, input['AutoScalingGroupName']);
        const ids = input['InstanceRefreshIds'] as string[] | undefined;
        const max = num(input['MaxRecords'], 50);
        const list = [...group.refreshes].reverse().filter((r) => !ids || ids.includes(r.id));
        const from = num(input['NextToken'], 0);
        return {
          InstanceRefreshes: list.slice(from, from + max).map((r) => describeRefresh(group, r, ctx.now)),
          NextToken: from + max < list.length ? String(from + max) : undefined,
        };
      },
    },
    CancelInstanceRefresh: {
      input: struct({ AutoScalingGroupName: GROUP_NAME, WaitForTransitioningInstances: bool }, [
        'AutoScalingGroupName',
      ]),
      handler(input, ctx) {
        const group = findGroup(ctx, input['AutoScalingGroupName']);
        const active = activeRefresh(group, ctx.now);
        if (!active)
          throw new AwsError(
            'ActiveInstanceRefreshNotFound',
            'No in progress or pending Instance Refresh found for Auto Scaling group ' + group.name,
          );
        active.cancelledAt = ctx.now;
        return { InstanceRefreshId: active.id };
      },
    },
  },
};
