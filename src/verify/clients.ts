/**
 * The clients verify reads with, made on first use and once per region (a secret or a log group may be
 * in another region than the task). The action's SDK chunk and the CLI both make them here.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type ClientOptions, createClient } from '../aws/client.js';
import type { VerifyClients } from './context.js';

export function verifyClients(options: ClientOptions): VerifyClients {
  const made = new Map<string, unknown>();
  const lazy =
    <C extends { middlewareStack: object }>(
      Client: new (config: never) => C,
      config?: Record<string, unknown>,
    ) =>
    (region = options.region): C => {
      const key = `${Client.name} ${region}`;
      if (!made.has(key))
        made.set(key, createClient(Client as never, { ...options, region, ...(config ? { config } : {}) }));
      return made.get(key) as C;
    };
  /** A client whose SDK package is imported on first use. */
  const later =
    <C extends { middlewareStack: object }>(
      load: () => Promise<new (config: never) => C>,
      config?: Record<string, unknown>,
    ) =>
    async (): Promise<C> =>
      lazy(await load(), config)();
  return {
    ecs: lazy(ECSClient),
    ecr: lazy(ECRClient),
    iam: lazy(IAMClient),
    secrets: lazy(SecretsManagerClient),
    ssm: lazy(SSMClient),
    logs: lazy(CloudWatchLogsClient),
    elbv2: later(
      async () => (await import('@aws-sdk/client-elastic-load-balancing-v2')).ElasticLoadBalancingV2Client,
    ),
    ec2: later(async () => (await import('@aws-sdk/client-ec2')).EC2Client),
    efs: later(async () => (await import('@aws-sdk/client-efs')).EFSClient),
    // An environment file's bucket may be in another region: S3 says which, and the client follows.
    s3: later(async () => (await import('@aws-sdk/client-s3')).S3Client, { followRegionRedirects: true }),
  };
}
