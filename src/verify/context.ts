/**
 * What every check of verify-task-definition works with: the definition and what it refers to, the
 * clients (made lazily, per region where a reference names another), the one lookup cache, and the two
 * ways a check reports — a finding at a place in the file, or a check that could not run.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Logger } from '../log.js';
import type { Severity } from '../validate/findings.js';
import type { Lookups } from './lookups.js';
import type { VerifyPlan } from './plan.js';
import type { References } from './references.js';
import type { Check } from './rules.js';

type Send<C extends { send: unknown }> = Pick<C, 'send'>;

/**
 * Clients by region (a secret, a log group or an image may live in another region than the task). Those
 * only a service or a volume needs load their SDK package on first use (EC2's alone is the largest).
 */
export interface VerifyClients {
  ecs: () => Send<ECSClient>;
  ecr: (region: string) => Send<ECRClient>;
  iam: () => Send<IAMClient>;
  secrets: (region: string) => Send<SecretsManagerClient>;
  ssm: (region: string) => Send<SSMClient>;
  logs: (region: string) => Send<CloudWatchLogsClient>;
  elbv2: () => Promise<Send<ElasticLoadBalancingV2Client>>;
  ec2: () => Promise<Send<EC2Client>>;
  efs: () => Promise<Send<EFSClient>>;
  s3: () => Promise<Send<S3Client>>;
}

export interface CheckContext {
  plan: VerifyPlan;
  definition: Record<string, unknown>;
  refs: References;
  region: string;
  clients: VerifyClients;
  lookups: Lookups;
  log: Logger;
  signal?: AbortSignal;
  /** For registries outside AWS (tests pass their own). */
  fetch?: typeof fetch;
  /** Hides a value read from the account (a secret) from the log: core.setSecret in the action. */
  mask: (value: string) => void;
  /** A finding about what is written at `pointer` ('' for the file, or the service as a whole). */
  find(rule: string, pointer: string, message: string, severity?: Severity): void;
  /**
   * Runs one read; when it cannot be made for a reason that says nothing about the resource (denied,
   * throttled, not offered), the check is noted as not run (one warning per check and IAM action) and
   * undefined is returned. Any other error is the caller's to judge (not found, …) or the step's.
   */
  read<T>(check: Check, what: string, lookup: () => Promise<T>): Promise<T | undefined>;
}

/** An SDK error's name, for the "not found" answers each check judges itself. */
export const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name ?? '') : '';
