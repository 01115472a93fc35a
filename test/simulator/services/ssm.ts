/**
 * SSM Parameter Store (awsJson1_1), reads only, seeded with the public parameters AWS publishes for
 * ECS-optimized AMIs. Paths follow the ECS developer guide (Linux, Windows, Bottlerocket); values are
 * realistic and deterministic per region, so tests can predict them with `publicAmiId`.
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
    const extra = (sim.scenario.ssm?.parameters ?? []).map((p) => ({
      name: p.name,
      value: p.value,
      dataType: (p.dataType ?? 'text') as StoredParameter['dataType'],
      version: 1,
      lastModified: sim.now(),
    }));
    const withheld = sim.scenario.ssm?.withhold ?? [];
    state = [...publicParameters(region, sim.now()), ...extra].filter(
      (p) => !withheld.some((w) => p.name.startsWith(w)),
    );
    sim.state.set(key, state);
  }
  return state;
}

function shape(p: StoredParameter, region: string) {
  return {
    Name: p.name,
    Type: 'String',
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified / 1000,
    ARN: `arn:aws:ssm:${region}::parameter${p.name}`,
    DataType: p.dataType,
  };
}

const NAME = str({ min: 1, max: 2048 });

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
        return { Parameter: shape(p, ctx.region) };
      },
    },
    GetParameters: {
      input: struct({ Names: list(NAME, { min: 1, max: 10 }), WithDecryption: bool }, ['Names']),
      handler(input, ctx) {
        const all = parameters(ctx.sim, ctx.region);
        const names = input['Names'] as string[];
        return {
          Parameters: all.filter((p) => names.includes(p.name)).map((p) => shape(p, ctx.region)),
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
          Parameters: page.map((p) => shape(p, ctx.region)),
          ...(offset + max < matching.length
            ? { NextToken: Buffer.from(String(offset + max)).toString('base64') }
            : {}),
        };
      },
    },
  },
};
