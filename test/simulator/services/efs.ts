/**
 * Amazon EFS (restJson1, 2015-02-01), as far as ecs-shipyard reads it: file systems and access points,
 * seeded from the scenario. EFS writes its errors as `{ ErrorCode, Message }` with the type in
 * `x-amzn-errortype`; FileSystemNotFound and AccessPointNotFound are 404, a malformed request BadRequest
 * (400), throttling ThrottlingException (429), as the service model declares them.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT } from '../scenario.js';
import type { RequestContext, RestJsonService, RestRoute, Simulator } from '../server.js';
import { int, str, struct } from '../shapes.js';

interface FileSystem {
  id: string;
  region: string;
  account: string;
  encrypted: boolean;
  lifeCycleState: string;
  createdAt: number;
}

interface AccessPoint {
  id: string;
  fileSystemId: string;
  region: string;
  account: string;
}

interface EfsState {
  fileSystems: FileSystem[];
  accessPoints: AccessPoint[];
}

const hex = (seed: string, n: number) => createHash('sha256').update(seed).digest('hex').slice(0, n);

export function efsState(sim: Simulator): EfsState {
  let state = sim.state.get('efs') as EfsState | undefined;
  if (state) return state;
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  const seeds = sim.scenario.efs ?? {};
  state = {
    fileSystems: (seeds.fileSystems ?? []).map((f) => ({
      id: f.id,
      region: f.region ?? 'us-east-1',
      account,
      encrypted: f.encrypted ?? false,
      lifeCycleState: f.lifeCycleState ?? 'available',
      createdAt: sim.now() - 30 * 86_400_000,
    })),
    accessPoints: (seeds.accessPoints ?? []).map((a) => ({
      id: a.id,
      fileSystemId: a.fileSystemId,
      region: a.region ?? 'us-east-1',
      account,
    })),
  };
  sim.state.set('efs', state);
  return state;
}

const fileSystemArn = (f: { region: string; account: string; id: string }) =>
  `arn:aws:elasticfilesystem:${f.region}:${f.account}:file-system/${f.id}`;
/** An ID or the ARN that ends in it. */
const idOf = (ref: string) => ref.replace(/^arn:aws[-a-z]*:elasticfilesystem:[^:]+:\d{12}:[a-z-]+\//, '');

function describeFileSystem(f: FileSystem) {
  return {
    OwnerId: f.account,
    CreationToken: `console-${hex(`${f.region}/${f.id}`, 8)}-${hex(`${f.id}/token`, 4)}`,
    FileSystemId: f.id,
    FileSystemArn: fileSystemArn(f),
    CreationTime: f.createdAt / 1000,
    LifeCycleState: f.lifeCycleState,
    NumberOfMountTargets: 0,
    SizeInBytes: { Value: 6144, ValueInIA: 0, ValueInStandard: 6144, ValueInArchive: 0 },
    PerformanceMode: 'generalPurpose',
    Encrypted: f.encrypted,
    ...(f.encrypted
      ? { KmsKeyId: `arn:aws:kms:${f.region}:${f.account}:key/${hex(`${f.region}/efs-key`, 32)}` }
      : {}),
    ThroughputMode: 'bursting',
    Tags: [],
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  };
}

function describeAccessPoint(a: AccessPoint) {
  return {
    ClientToken: `console-${hex(`${a.region}/${a.id}`, 8)}`,
    Tags: [],
    AccessPointId: a.id,
    AccessPointArn: `arn:aws:elasticfilesystem:${a.region}:${a.account}:access-point/${a.id}`,
    FileSystemId: a.fileSystemId,
    RootDirectory: { Path: '/' },
    OwnerId: a.account,
    LifeCycleState: 'available',
  };
}

const fileSystemNotFound = (id: string) =>
  new AwsError('FileSystemNotFound', `File system '${id}' does not exist.`, 404);

function fileSystemsHere(ctx: RequestContext): FileSystem[] {
  return efsState(ctx.sim).fileSystems.filter((f) => f.region === ctx.region && f.account === ctx.account);
}

/** Markers and tokens are opaque to callers: an offset, base64. */
function page<T>(items: T[], token: unknown, max: number): { items: T[]; next?: string } {
  const from = token === undefined ? 0 : Number(Buffer.from(String(token), 'base64').toString('utf8'));
  if (!Number.isInteger(from) || from < 0) throw new AwsError('BadRequest', 'Invalid pagination token.');
  const to = from + max;
  return {
    items: items.slice(from, to),
    ...(to < items.length ? { next: Buffer.from(String(to)).toString('base64') } : {}),
  };
}

// From the 2015-02-01 model: FileSystemId and AccessPointId take an ID or an ARN.
const FILE_SYSTEM_ID = str({
  max: 128,
  pattern: '^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$',
});
const ACCESS_POINT_ID = str({
  max: 128,
  pattern:
    '^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:access-point/fsap-[0-9a-f]{8,40}|fsap-[0-9a-f]{8,40})$',
});

const routes: RestRoute[] = [
  {
    method: 'GET',
    path: '/2015-02-01/file-systems',
    operation: 'DescribeFileSystems',
    input: struct({
      MaxItems: int({ min: 1 }),
      Marker: str({ min: 1, max: 128 }),
      CreationToken: str({ min: 1, max: 64 }),
      FileSystemId: FILE_SYSTEM_ID,
    }),
    handler(input, ctx) {
      let selected = fileSystemsHere(ctx);
      const ref = input['FileSystemId'] as string | undefined;
      if (ref !== undefined) {
        const id = idOf(ref);
        selected = selected.filter((f) => f.id === id);
        if (selected.length === 0) throw fileSystemNotFound(id);
      }
      const token = input['CreationToken'] as string | undefined;
      if (token !== undefined)
        selected = selected.filter((f) => describeFileSystem(f).CreationToken === token);
      const { items, next } = page(
        selected,
        input['Marker'],
        (input['MaxItems'] as number | undefined) ?? 100,
      );
      return {
        ...(input['Marker'] !== undefined ? { Marker: input['Marker'] } : {}),
        FileSystems: items.map(describeFileSystem),
        ...(next ? { NextMarker: next } : {}),
      };
    },
  },
  {
    method: 'GET',
    path: '/2015-02-01/access-points',
    operation: 'DescribeAccessPoints',
    input: struct({
      MaxResults: int({ min: 1 }),
      NextToken: str({ min: 1, max: 128 }),
      AccessPointId: ACCESS_POINT_ID,
      FileSystemId: FILE_SYSTEM_ID,
    }),
    handler(input, ctx) {
      const apRef = input['AccessPointId'] as string | undefined;
      const fsRef = input['FileSystemId'] as string | undefined;
      if (apRef !== undefined && fsRef !== undefined) {
        throw new AwsError(
          'BadRequest',
          'You can provide either an AccessPointId or a FileSystemId in the request, but not both.',
        );
      }
      let selected = efsState(ctx.sim).accessPoints.filter(
        (a) => a.region === ctx.region && a.account === ctx.account,
      );
      if (apRef !== undefined) {
        const id = idOf(apRef);
        selected = selected.filter((a) => a.id === id);
        if (selected.length === 0)
          throw new AwsError('AccessPointNotFound', `Access point '${id}' does not exist.`, 404);
      }
      if (fsRef !== undefined) {
        const id = idOf(fsRef);
        if (!fileSystemsHere(ctx).some((f) => f.id === id)) throw fileSystemNotFound(id);
        selected = selected.filter((a) => a.fileSystemId === id);
      }
      const { items, next } = page(
        selected,
        input['NextToken'],
        (input['MaxResults'] as number | undefined) ?? 100,
      );
      return { AccessPoints: items.map(describeAccessPoint), ...(next ? { NextToken: next } : {}) };
    },
  },
];

export const efsService: RestJsonService = {
  protocol: 'restJson1',
  name: 'efs',
  iamPrefix: 'elasticfilesystem',
  signingName: 'elasticfilesystem',
  routes,
  errorBody: 'ErrorCode',
  validationError: 'BadRequest',
  throttle: { type: 'ThrottlingException', status: 429 },
};
