/** Pure checks for AWS identifiers: regions, account IDs, ARNs. */

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

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
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
