/** Pure checks for AWS identifiers: regions, account IDs, ARNs. */
import { UserError } from '../errors.js';

// Commercial (us-east-1), GovCloud (us-gov-west-1), China (cn-north-1), ISO (us-isob-east-1),
// sovereign-cloud prefixes of up to four letters (eusc-de-east-1).
const REGION = /^[a-z]{2,4}(-(gov|iso[a-z]?))?(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;
const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];

export function isRegion(value: string): boolean {
  return REGION.test(value);
}

/** Why `value` is not an account ID, with the YAML leading-zero hint when it fits. */
export function accountIdProblem(value: string): string | undefined {
  if (ACCOUNT_ID.test(value)) return undefined;
  if (/^\d{1,11}$/.test(value)) {
    return `an account ID has 12 digits, this has ${value.length}; if it began with 0, quote it in YAML ('0${value}') so the leading zero is kept`;
  }
  return 'an account ID is 12 digits, such as 123456789012';
}

export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', accountId = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (!PARTITIONS.includes(partition)) return undefined;
  if (!/^[a-z0-9-]+$/.test(service)) return undefined;
  if (region !== '' && !REGION.test(region)) return undefined;
  if (accountId !== '' && accountId !== 'aws' && !ACCOUNT_ID.test(accountId)) return undefined;
  if (resource === '') return undefined;
  return { partition, service, region, accountId, resource };
}

/** The region an ARN names, if it is an ARN with one. */
export function regionOfArn(value: string): string | undefined {
  return parseArn(value)?.region || undefined;
}

/**
 * An AMI ID: `ami-` and 8 (older) or 17 hex digits. The one rule for every answer that carries one —
 * SSM parameters (Amazon Linux and Bottlerocket), Image Builder outputs, user input.
 */
const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const AMI_ID_ACCEPTED = 'an AMI ID (ami- and 8 or 17 hex digits, such as ami-0123456789abcdef0)';

export function isAmiId(value: string): boolean {
  return AMI_ID.test(value);
}

/** An ECS cluster as every action takes it: a name, or a cluster ARN (whose region then decides). */
export const CLUSTER =
  /^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/;
export const CLUSTER_ACCEPTED =
  'an ECS cluster name (1-255 letters, digits, - and _) or a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)';

export interface ClusterRef {
  /** The cluster's name (what ECS calls accept alongside the ARN, and what the console links use). */
  name: string;
  /** The region the cluster ARN names. */
  region?: string;
}

export function parseCluster(value: string): ClusterRef {
  const arn = parseArn(value);
  if (!arn) return { name: value };
  return { name: arn.resource.replace(/^cluster\//, ''), ...(arn.region ? { region: arn.region } : {}) };
}

/**
 * The region to work in when a resource ARN names one: the ARN's, unless the region input says another
 * (then the step fails with both named, rather than calling the wrong region).
 */
export function regionFromArn(
  arnInput: string,
  value: string | undefined,
  regionInput: string | undefined,
): string | undefined {
  const fromArn = value ? regionOfArn(value) : undefined;
  if (fromArn && regionInput && regionInput !== fromArn) {
    throw new UserError(
      `Input '${arnInput}' is an ARN in ${fromArn}, but input 'region' is ${regionInput}: leave 'region' out, or give the ${arnInput} of that region.`,
    );
  }
  return fromArn ?? regionInput;
}

/**
 * The region to work in when several inputs may be ARNs (a cluster and a task definition): their regions
 * must agree with each other and with the region input, or the step fails naming the two that differ.
 */
export function regionFromArns(
  arns: Record<string, string | undefined>,
  regionInput: string | undefined,
): string | undefined {
  let region = regionInput;
  let from = regionInput ? "input 'region'" : undefined;
  for (const [input, value] of Object.entries(arns)) {
    const here = value ? regionOfArn(value) : undefined;
    if (!here) continue;
    if (region && here !== region) {
      throw new UserError(
        `Input '${input}' is an ARN in ${here}, but ${from} is ${region}: resources of one step must be in one region. Give the ${input} of ${region}${regionInput ? ", or leave 'region' out" : ''}.`,
      );
    }
    region = here;
    from ??= `input '${input}' (an ARN)`;
  }
  return region;
}

/** An IAM action or resource pattern as IAM matches it: `*` any run, `?` one character. */
export function iamPattern(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}
