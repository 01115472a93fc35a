/**
 * secrets, secret-keys, logs and storage: what the task reads from the account when it starts. Each
 * secret is described once (DescribeSecret), the SSM parameters of a region in as few DescribeParameters
 * calls as the API allows (50 names a call, paged), each log group once per region, each EFS file system
 * and access point once, each environment file once (HeadObject). The lookups are shared with the
 * permissions check, which needs the secrets' full ARNs and keys.
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeSecretCommand,
  type DescribeSecretResponse,
  GetSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, type ParameterMetadata } from '@aws-sdk/client-ssm';
import { type CheckContext, errorName } from './context.js';
import type { SecretUse } from './references.js';

type Found<T> = { found: true; value: T } | { found: false };
const NOT_FOUND = { found: false } as const;

/** DescribeSecret once per secret and region; undefined when the read could not be made. */
export function describeSecret(
  ctx: CheckContext,
  use: SecretUse,
): Promise<Found<DescribeSecretResponse> | undefined> {
  return ctx.read('secrets', `secret ${use.id}`, () =>
    ctx.lookups.once(`DescribeSecret ${use.region}/${use.id}`, async () => {
      try {
        const value = await ctx.clients
          .secrets(use.region)
          .send(new DescribeSecretCommand({ SecretId: use.id }));
        return { found: true as const, value };
      } catch (error) {
        if (errorName(error) === 'ResourceNotFoundException') return NOT_FOUND;
        throw error;
      }
    }),
  );
}

const PARAMETERS_PER_CALL = 50;

/** The SSM parameters of a region that the task definition names: name → metadata (absent: not found). */
export function describeParameters(
  ctx: CheckContext,
  region: string,
): Promise<Map<string, ParameterMetadata> | undefined> {
  const names = [
    ...new Set(ctx.refs.secrets.filter((s) => s.store === 'ssm' && s.region === region).map((s) => s.id)),
  ];
  return ctx.read('secrets', `SSM parameters in ${region}`, () =>
    ctx.lookups.once(`DescribeParameters ${region}`, async () => {
      const found = new Map<string, ParameterMetadata>();
      for (let i = 0; i < names.length; i += PARAMETERS_PER_CALL) {
        let NextToken: string | undefined;
        do {
          const out = await ctx.clients.ssm(region).send(
            new DescribeParametersCommand({
              ParameterFilters: [
                { Key: 'Name', Option: 'Equals', Values: names.slice(i, i + PARAMETERS_PER_CALL) },
              ],
              MaxResults: 50,
              ...(NextToken ? { NextToken } : {}),
            }),
          );
          for (const p of out.Parameters ?? []) if (p.Name) found.set(p.Name, p);
          NextToken = out.NextToken;
        } while (NextToken);
      }
      return found;
    }),
  );
}

/** secrets, and secret-keys (which describes each secret first): a finding of the first only when asked. */
export async function checkSecrets(ctx: CheckContext): Promise<void> {
  const asked = ctx.plan.checks.has('secrets');
  const find: CheckContext['find'] = (rule, ...rest) => {
    if (asked || rule === 'secret-key') ctx.find(rule, ...rest);
  };
  // Alone, secret-keys needs only the secrets that have a JSON key; parameters have none.
  const regions = new Set(ctx.refs.secrets.filter((s) => asked && s.store === 'ssm').map((s) => s.region));
  const parameters = new Map(
    await Promise.all([...regions].map(async (r) => [r, await describeParameters(ctx, r)] as const)),
  );
  await Promise.all(
    ctx.refs.secrets.map(async (use) => {
      if (!asked && !use.jsonKey) return;
      const what = `${use.name} of ${use.container}`;
      if (use.store === 'ssm') {
        const known = parameters.get(use.region);
        if (known && !known.has(use.id))
          find(
            'secret-not-found',
            use.pointer,
            `${what} names the SSM parameter ${use.id}, which does not exist in ${use.region}${use.account ? ` (account ${use.account})` : ''}. Check its name (parameter names are case-sensitive) and region.`,
          );
        return;
      }
      const described = await describeSecret(ctx, use);
      if (!described) return;
      if (!described.found) {
        find(
          'secret-not-found',
          use.pointer,
          `${what} names the secret ${use.id}, which Secrets Manager cannot find in ${use.region}. Check the name and the six-character suffix of its ARN (copy the ARN from the console), and the region.`,
        );
        return;
      }
      const secret = described.value;
      if (secret.DeletedDate) {
        find(
          'secret-not-found',
          use.pointer,
          `${what} names the secret ${secret.Name}, which is scheduled for deletion: tasks cannot read it.`,
        );
        return;
      }
      const stages = Object.values(secret.VersionIdsToStages ?? {}).flat();
      if (use.versionStage && !stages.includes(use.versionStage))
        find(
          'secret-not-found',
          use.pointer,
          `${what} asks for version stage ${use.versionStage} of ${secret.Name}, which no version has (stages: ${stages.join(', ') || 'none'}).`,
        );
      if (use.versionId && !Object.hasOwn(secret.VersionIdsToStages ?? {}, use.versionId))
        find(
          'secret-not-found',
          use.pointer,
          `${what} asks for version ${use.versionId} of ${secret.Name}, which it does not have.`,
        );
      if (use.jsonKey && ctx.plan.checks.has('secret-keys')) await checkKey(ctx, use, secret.ARN ?? use.id);
    }),
  );
}

/** Reads the value (never shown: masked at once) to see that the JSON key is there. */
async function checkKey(ctx: CheckContext, use: SecretUse, arn: string): Promise<void> {
  const version = use.versionId
    ? { VersionId: use.versionId }
    : use.versionStage
      ? { VersionStage: use.versionStage }
      : {};
  const value = await ctx.read('secret-keys', `the value of ${arn}`, () =>
    ctx.lookups.once(
      `GetSecretValue ${use.region}/${arn}/${use.versionId ?? use.versionStage ?? ''}`,
      async () => {
        const out = await ctx.clients
          .secrets(use.region)
          .send(new GetSecretValueCommand({ SecretId: arn, ...version }));
        if (out.SecretString) ctx.mask(out.SecretString);
        return out.SecretString ?? null;
      },
    ),
  );
  if (value === undefined) return;
  const what = `${use.name} of ${use.container}`;
  let parsed: unknown;
  try {
    parsed = value === null ? undefined : JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    ctx.find(
      'secret-key',
      use.pointer,
      `${what} takes the JSON key ${use.jsonKey} of ${arn}, but the secret's value is not a JSON object (it is a plain string or binary).`,
    );
    return;
  }
  for (const v of Object.values(parsed)) if (typeof v === 'string' && v !== '') ctx.mask(v);
  if (!Object.hasOwn(parsed, use.jsonKey!)) {
    const keys = Object.keys(parsed);
    ctx.find(
      'secret-key',
      use.pointer,
      `${what} takes the JSON key ${use.jsonKey} of ${arn}, which the secret does not have (its keys: ${keys.length ? keys.join(', ') : 'none'}). Keys are case-sensitive.`,
    );
  }
}

/** Whether each awslogs group exists, once per region and name; shared with the permissions check. */
export function logGroupExists(
  ctx: CheckContext,
  region: string,
  group: string,
): Promise<boolean | undefined> {
  return ctx.read('logs', `log group ${group}`, () =>
    ctx.lookups.once(`DescribeLogGroups ${region}/${group}`, async () => {
      let nextToken: string | undefined;
      // A prefix also matches longer names: page until the name shows up or the names pass it.
      for (let page = 0; page < 20; page++) {
        const out = await ctx.clients
          .logs(region)
          .send(
            new DescribeLogGroupsCommand({ logGroupNamePrefix: group, ...(nextToken ? { nextToken } : {}) }),
          );
        if ((out.logGroups ?? []).some((g) => g.logGroupName === group)) return true;
        nextToken = out.nextToken;
        if (!nextToken) return false;
      }
      return false;
    }),
  );
}

export async function checkLogs(ctx: CheckContext): Promise<void> {
  await Promise.all(
    ctx.refs.logs.map(async (use) => {
      const exists = await logGroupExists(ctx, use.region, use.group);
      if (exists !== false || use.create) return;
      ctx.find(
        'log-group-missing',
        use.pointer,
        `The log group ${use.group} of ${use.container} does not exist in ${use.region}, and awslogs-create-group is not "true": the task would stop before its containers start. Create the group, or set awslogs-create-group to "true" (the execution role then needs logs:CreateLogGroup).`,
      );
    }),
  );
}

export async function checkStorage(ctx: CheckContext): Promise<void> {
  const { region } = ctx;
  await Promise.all([
    ...ctx.refs.efs.map(async (use) => {
      const fs = await ctx.read('storage', `EFS file system ${use.fileSystemId}`, () =>
        ctx.lookups.once(`DescribeFileSystems ${region}/${use.fileSystemId}`, async () => {
          try {
            const { DescribeFileSystemsCommand } = await import('@aws-sdk/client-efs');
            const efs = await ctx.clients.efs();
            const out = await efs.send(new DescribeFileSystemsCommand({ FileSystemId: use.fileSystemId }));
            return out.FileSystems?.[0] ?? null;
          } catch (error) {
            if (errorName(error) === 'FileSystemNotFound') return null;
            throw error;
          }
        }),
      );
      if (fs === null)
        ctx.find(
          'efs',
          use.pointer,
          `Volume ${use.volume} mounts the EFS file system ${use.fileSystemId}, which does not exist in ${region}.`,
        );
      else if (fs && fs.LifeCycleState !== 'available')
        ctx.find(
          'efs',
          use.pointer,
          `Volume ${use.volume} mounts the EFS file system ${use.fileSystemId}, which is ${fs.LifeCycleState}, not available.`,
        );
      if (!use.accessPointId) return;
      const ap = await ctx.read('storage', `EFS access point ${use.accessPointId}`, () =>
        ctx.lookups.once(`DescribeAccessPoints ${region}/${use.accessPointId}`, async () => {
          try {
            const { DescribeAccessPointsCommand } = await import('@aws-sdk/client-efs');
            const efs = await ctx.clients.efs();
            const out = await efs.send(
              new DescribeAccessPointsCommand({ AccessPointId: use.accessPointId! }),
            );
            return out.AccessPoints?.[0] ?? null;
          } catch (error) {
            if (errorName(error) === 'AccessPointNotFound') return null;
            throw error;
          }
        }),
      );
      const pointer = use.pointer.replace(/fileSystemId$/, 'authorizationConfig/accessPointId');
      if (ap === null)
        ctx.find(
          'efs',
          pointer,
          `Volume ${use.volume} uses the EFS access point ${use.accessPointId}, which does not exist in ${region}.`,
        );
      else if (ap && ap.FileSystemId !== use.fileSystemId)
        ctx.find(
          'efs',
          pointer,
          `Volume ${use.volume} uses the access point ${use.accessPointId}, which belongs to ${ap.FileSystemId}, not to ${use.fileSystemId}.`,
        );
    }),
    ...ctx.refs.envFiles.map(async (use) => {
      const exists = await ctx.read('storage', `environment file ${use.arn}`, () =>
        ctx.lookups.once(`HeadObject ${use.arn}`, async () => {
          try {
            const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
            await (await ctx.clients.s3()).send(new HeadObjectCommand({ Bucket: use.bucket, Key: use.key }));
            return true;
          } catch (error) {
            if (['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(errorName(error))) return false;
            // S3 answers a missing key with 403 to a caller that may not s3:ListBucket: either may be so.
            if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403)
              return 'forbidden' as const;
            throw error;
          }
        }),
      );
      if (exists === 'forbidden')
        ctx.find(
          'environment-file',
          use.pointer,
          `The environment file ${use.arn} of ${use.container} could not be seen: S3 answered 403, which it says both for a denied read and, to a caller without s3:ListBucket on the bucket, for a key that does not exist. Grant the role verify runs with s3:GetObject on the object and s3:ListBucket on the bucket to tell.`,
          'warning',
        );
      if (exists === false)
        ctx.find(
          'environment-file',
          use.pointer,
          `The environment file ${use.arn} of ${use.container} does not exist (no such bucket or key).`,
        );
    }),
  ]);
  for (const m of ctx.refs.malformed) ctx.find('environment-file', m.pointer, `The ${m.message}.`);
}
