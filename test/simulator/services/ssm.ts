/**
 * SSM Parameter Store (awsJson1_1), reads only, seeded with the public parameters AWS publishes for
 * ECS-optimized AMIs. Paths follow the ECS developer guide (Linux, Windows, Bottlerocket); values are
 * realistic and deterministic per region, so tests can predict them with `publicAmiId`. The scenario's
 * own parameters (`ssm.parameters`) are the account's: DescribeParameters lists those and never the
 * public ones, which belong to AWS.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { JsonService, Simulator } from '../server.js';
import { bool, int, list, str, struct } from '../shapes.js';

export interface StoredParameter {
  name: string;
  value: string;
  dataType: 'text' | 'aws:ec2:image';
  version: number;
  lastModified: number;
  type?: 'String' | 'StringList' | 'SecureString';
  /** A SecureString's KMS key. */
  keyId?: string;
  /** The account's own parameter (not one AWS publishes). */
  own?: true;
}

/** The AMI ID a public parameter names in a region: stable, and different per path and region. */
export function publicAmiId(key: string, region: string): string {
  return `ami-${createHash('sha256').update(`${key}@${region}`).digest('hex').slice(0, 17)}`;
}

const LINUX_RELEASE = { al2023: '2023.0.20251104', al2: '2.0.20251104' };

/** Linux ECS-optimized parameter prefixes (under /aws/service/ecs/optimized-ami/) and their AMI name stems. */
const LINUX: Record<string, { os: string; name: (v: string) => string; version: string }> = {
  'amazon-linux-2023': {
    os: 'Amazon Linux 2023',
    name: (v) => `al2023-ami-ecs-hvm-${v}-kernel-6.1-x86_64`,
    version: LINUX_RELEASE.al2023,
  },
  'amazon-linux-2023/arm64': {
    os: 'Amazon Linux 2023',
    name: (v) => `al2023-ami-ecs-hvm-${v}-kernel-6.1-arm64`,
    version: LINUX_RELEASE.al2023,
  },
  'amazon-linux-2023/gpu': {
    os: 'Amazon Linux 2023',
    name: (v) => `al2023-ami-ecs-gpu-hvm-${v}-kernel-6.1-x86_64-ebs`,
    version: LINUX_RELEASE.al2023,
  },
  'amazon-linux-2023/neuron': {
    os: 'Amazon Linux 2023',
    name: (v) => `al2023-ami-ecs-neuron-hvm-${v}-kernel-6.1-x86_64`,
    version: LINUX_RELEASE.al2023,
  },
  'amazon-linux-2': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/arm64': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-hvm-${v}-arm64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/gpu': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-gpu-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/inf': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-inf-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/kernel-5.10': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-kernel-5.10-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/kernel-5.10/arm64': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-kernel-5.10-hvm-${v}-arm64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/kernel-5.10/gpu': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-kernel-5.10-gpu-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
  'amazon-linux-2/kernel-5.10/inf': {
    os: 'Amazon Linux 2',
    name: (v) => `amzn2-ami-ecs-kernel-5.10-inf-hvm-${v}-x86_64-ebs`,
    version: LINUX_RELEASE.al2,
  },
};

const WINDOWS = [
  'Windows_Server-2016-English-Full-ECS_Optimized',
  'Windows_Server-2019-English-Full-ECS_Optimized',
  'Windows_Server-2019-English-Core-ECS_Optimized',
  'Windows_Server-2022-English-Full-ECS_Optimized',
  'Windows_Server-2022-English-Core-ECS_Optimized',
  'Windows_Server-2025-English-Full-ECS_Optimized',
  'Windows_Server-2025-English-Core-ECS_Optimized',
];

const BOTTLEROCKET_VARIANTS = ['aws-ecs-1', 'aws-ecs-2', 'aws-ecs-1-nvidia', 'aws-ecs-2-nvidia'];

/** Every public parameter for one region, as AWS publishes them. */
export function publicParameters(region: string, now: number): StoredParameter[] {
  const out: StoredParameter[] = [];
  const add = (name: string, value: string, dataType: StoredParameter['dataType'] = 'text') =>
    out.push({ name, value, dataType, version: 42, lastModified: now - 86_400_000 });
  for (const [prefix, info] of Object.entries(LINUX)) {
    const base = `/aws/service/ecs/optimized-ami/${prefix}/recommended`;
    const imageId = publicAmiId(base, region);
    const doc = {
      ecs_agent_version: '1.99.1',
      ecs_runtime_version: 'Docker version 25.0.8',
      image_id: imageId,
      image_name: info.name(info.version),
      image_version: info.version,
      os: info.os,
      schema_version: 1,
      source_image_name: info.name(info.version).replace('-ecs-', '-minimal-').replace('-hvm', ''),
    };
    add(base, JSON.stringify(doc));
    for (const [k, v] of Object.entries(doc))
      add(`${base}/${k}`, String(v), k === 'image_id' ? 'aws:ec2:image' : 'text');
  }
  for (const name of WINDOWS) {
    const base = `/aws/service/ami-windows-latest/${name}`;
    const imageId = publicAmiId(base, region);
    add(
      base,
      JSON.stringify({
        image_name: `${name}-2025.10.15`,
        image_id: imageId,
        ecs_runtime_version: 'Docker (CE) version 25.0.6',
        ecs_agent_version: '1.99.1',
      }),
    );
    add(`${base}/image_id`, imageId, 'aws:ec2:image');
  }
  for (const variant of BOTTLEROCKET_VARIANTS) {
    for (const arch of ['x86_64', 'arm64']) {
      const base = `/aws/service/bottlerocket/${variant}/${arch}/latest`;
      add(`${base}/image_id`, publicAmiId(base, region), 'aws:ec2:image');
      add(`${base}/image_version`, '1.49.0-2ab7b5e1');
    }
  }
  return out;
}

function parameters(sim: Simulator, region: string): StoredParameter[] {
  const key = `ssm/${region}`;
  let state = sim.state.get(key) as StoredParameter[] | undefined;
  if (!state) {
    const extra = (sim.scenario.ssm?.parameters ?? [])
      .filter((p) => p.region === undefined || p.region === region)
      .map((p): StoredParameter => ({
        name: p.name,
        value: p.value,
        dataType: p.dataType ?? 'text',
        version: 1,
        lastModified: sim.now(),
        type: p.type ?? 'String',
        ...(p.type === 'SecureString' ? { keyId: p.keyId ?? 'alias/aws/ssm' } : {}),
        own: true,
      }));
    const withheld = sim.scenario.ssm?.withhold ?? [];
    state = [...publicParameters(region, sim.now()), ...extra].filter(
      (p) => !withheld.some((w) => p.name.startsWith(w)),
    );
    sim.state.set(key, state);
  }
  return state;
}

/** Public parameters have no account in their ARN; the account's own do. */
const parameterArn = (p: StoredParameter, region: string, account: string) =>
  `arn:aws:ssm:${region}:${p.own ? account : ''}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`;

function shape(p: StoredParameter, region: string, account: string, decrypt: boolean) {
  // A SecureString read without WithDecryption answers its ciphertext, not its value.
  const cipher = () =>
    Buffer.from(`kms:${p.keyId ?? ''}:${createHash('sha256').update(p.value).digest('hex')}`).toString(
      'base64',
    );
  return {
    Name: p.name,
    Type: p.type ?? 'String',
    Value: p.type === 'SecureString' && !decrypt ? cipher() : p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified / 1000,
    ARN: parameterArn(p, region, account),
    DataType: p.dataType,
  };
}

const NAME = str({ min: 1, max: 2048 });
const FILTER_VALUES = list(str({ min: 1, max: 1024 }), { min: 1, max: 50 });

interface ParameterFilter {
  Key: string;
  Option?: string;
  Values?: string[];
}

const TYPES = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'];

/**
 * DescribeParameters' checks of ParameterFilters beyond the shape, in the service's words (as moto
 * reproduces them): keys it does not take, a key given twice, missing values, options per key.
 */
function checkParameterFilters(filters: ParameterFilter[]): void {
  const seen = new Set<string>();
  for (const f of filters) {
    if (f.Key === 'Label') {
      throw new AwsError(
        'InvalidFilterKey',
        'The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier].',
      );
    }
    if (seen.has(f.Key)) {
      throw new AwsError(
        'InvalidFilterKey',
        `The following filter is duplicated in the request: ${f.Key}. A request can contain only one occurrence of a specific filter.`,
      );
    }
    seen.add(f.Key);
    const values = f.Values ?? [];
    if (!f.Key.startsWith('tag:') && values.length === 0) {
      throw new AwsError(
        'InvalidFilterValue',
        `The following filter values are missing : null for filter key ${f.Key}.`,
      );
    }
    if (f.Key === 'Path') {
      const option = f.Option ?? 'OneLevel';
      if (option !== 'Recursive' && option !== 'OneLevel') {
        throw new AwsError(
          'InvalidFilterOption',
          `The following filter option is not valid: ${option}. Valid options include: [Recursive, OneLevel].`,
        );
      }
      if (values.some((v) => /^\/?(aws|ssm)/i.test(v))) {
        throw new AwsError(
          'ValidationException',
          'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). When using global parameters, please specify within a global namespace.',
        );
      }
      continue;
    }
    const options = f.Key === 'Name' ? ['BeginsWith', 'Equals', 'Contains'] : ['BeginsWith', 'Equals'];
    const option = f.Option ?? 'Equals';
    if (!options.includes(option)) {
      throw new AwsError(
        'InvalidFilterOption',
        `The following filter option is not valid: ${option}. Valid options include: [${options.join(', ')}].`,
      );
    }
    const allowed = f.Key === 'Type' ? TYPES : f.Key === 'Tier' ? TIERS : undefined;
    const bad = allowed && values.find((v) => !allowed.includes(v));
    if (bad) {
      throw new AwsError(
        'InvalidFilterValue',
        `The following filter value is not valid: ${bad}. Valid values include: [${allowed.join(', ')}].`,
      );
    }
  }
}

/** One ParameterFilter against a parameter: any of its values matches (tags: the scenario has none). */
function passes(p: StoredParameter, f: ParameterFilter): boolean {
  const values = f.Values ?? [];
  const field: Record<string, string | undefined> = {
    Name: p.name,
    Type: p.type ?? 'String',
    KeyId: p.keyId,
    Tier: 'Standard',
    DataType: p.dataType,
  };
  if (f.Key === 'Path') {
    return values.some((v) => {
      const path = v.endsWith('/') ? v : `${v}/`;
      if (!p.name.startsWith(path)) return false;
      return f.Option === 'Recursive' || !p.name.slice(path.length).includes('/');
    });
  }
  const actual = field[f.Key];
  if (actual === undefined) return false;
  return values.some((v) => {
    if (f.Option === 'BeginsWith') return actual.startsWith(v);
    if (f.Option === 'Contains') return actual.includes(v);
    return actual === v;
  });
}

const decodeToken = (token: string): number => {
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsError('InvalidNextToken', "The specified token isn't valid.");
  return offset;
};

export const ssmService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ssm',
  iamPrefix: 'ssm',
  targetPrefix: 'AmazonSSM',
  operations: {
    GetParameter: {
      input: struct({ Name: NAME, WithDecryption: bool }, ['Name']),
      handler(input, ctx) {
        const p = parameters(ctx.sim, ctx.region).find((x) => x.name === input['Name']);
        // AWS answers ParameterNotFound with no message at all.
        if (!p) throw new AwsError('ParameterNotFound', '');
        return { Parameter: shape(p, ctx.region, ctx.account, input['WithDecryption'] === true) };
      },
    },
    GetParameters: {
      input: struct({ Names: list(NAME, { min: 1, max: 10 }), WithDecryption: bool }, ['Names']),
      handler(input, ctx) {
        const all = parameters(ctx.sim, ctx.region);
        const names = input['Names'] as string[];
        return {
          Parameters: all
            .filter((p) => names.includes(p.name))
            .map((p) => shape(p, ctx.region, ctx.account, input['WithDecryption'] === true)),
          InvalidParameters: names.filter((n) => !all.some((p) => p.name === n)),
        };
      },
    },
    GetParametersByPath: {
      input: struct(
        {
          Path: NAME,
          Recursive: bool,
          WithDecryption: bool,
          MaxResults: int({ min: 1, max: 10 }),
          NextToken: str(),
        },
        ['Path'],
      ),
      handler(input, ctx) {
        const path = String(input['Path']).replace(/\/?$/, '/');
        const recursive = input['Recursive'] === true;
        const matching = parameters(ctx.sim, ctx.region).filter(
          (p) => p.name.startsWith(path) && (recursive || !p.name.slice(path.length).includes('/')),
        );
        const offset = input['NextToken']
          ? Number(Buffer.from(String(input['NextToken']), 'base64').toString())
          : 0;
        const max = (input['MaxResults'] as number | undefined) ?? 10;
        const page = matching.slice(offset, offset + max);
        return {
          Parameters: page.map((p) => shape(p, ctx.region, ctx.account, input['WithDecryption'] === true)),
          ...(offset + max < matching.length
            ? { NextToken: Buffer.from(String(offset + max)).toString('base64') }
            : {}),
        };
      },
    },
    DescribeParameters: {
      input: struct({
        Filters: list(
          struct({ Key: str({ enum: ['Name', 'Type', 'KeyId'] }), Values: FILTER_VALUES }, ['Key', 'Values']),
        ),
        ParameterFilters: list(
          struct(
            {
              Key: str({ min: 1, max: 132, pattern: 'tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType' }),
              Option: str({ min: 1, max: 10 }),
              Values: FILTER_VALUES,
            },
            ['Key'],
          ),
        ),
        MaxResults: int({ min: 1, max: 50 }),
        NextToken: str(),
        Shared: bool,
      }),
      handler(input, ctx) {
        const legacy = (input['Filters'] as { Key: string; Values: string[] }[] | undefined) ?? [];
        const filters = (input['ParameterFilters'] as ParameterFilter[] | undefined) ?? [];
        if (legacy.length && filters.length) {
          throw new AwsError(
            'ValidationException',
            'You can use either Filters or ParameterFilters in a single request.',
          );
        }
        checkParameterFilters(filters);
        // Parameters shared through AWS RAM, which the scenario has none of; the public parameters are
        // AWS's, not the account's, and are never listed.
        const mine = input['Shared'] === true ? [] : parameters(ctx.sim, ctx.region).filter((p) => p.own);
        const offset = input['NextToken'] ? decodeToken(String(input['NextToken'])) : 0;
        const max = (input['MaxResults'] as number | undefined) ?? 10;
        // "The number of items returned ... can be between zero and the value of MaxResults": the service
        // reads MaxResults parameters and then filters them, so a filtered page can be short or empty and
        // still carry a NextToken. Callers must page until there is none.
        const window = mine.slice(offset, offset + max);
        const page = window.filter(
          (p) =>
            filters.every((f) => passes(p, f)) &&
            legacy.every((f) =>
              passes(p, { Key: f.Key, Option: f.Key === 'Name' ? 'BeginsWith' : 'Equals', Values: f.Values }),
            ),
        );
        return {
          Parameters: page.map((p) => ({
            Name: p.name,
            ARN: parameterArn(p, ctx.region, ctx.account),
            Type: p.type ?? 'String',
            ...(p.keyId ? { KeyId: p.keyId } : {}),
            LastModifiedDate: p.lastModified / 1000,
            Version: p.version,
            Tier: 'Standard',
            Policies: [],
            DataType: p.dataType,
          })),
          ...(offset + max < mine.length
            ? { NextToken: Buffer.from(String(offset + max)).toString('base64') }
            : {}),
        };
      },
    },
  },
};
