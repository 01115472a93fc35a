/**
 * A live account for verify-task-definition's tests and benchmark: an ARM64 Fargate service behind a
 * target group, with its images in ECR, its roles, secrets, parameters and log groups — and the task
 * definition that fits it. Tests change the definition (a tag never pushed, a misspelt secret) rather than
 * the account, so one simulator serves them all.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../simulator/scenario.js';
import { secretArnOf } from '../simulator/services/secretsmanager.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
/** The ARN the simulator gives a seeded secret (its six-character suffix is derived from the name). */
export const secretArn = (name: string) => secretArnOf(ACCOUNT, REGION, name);

type Json = Record<string, unknown>;

/** Everything the good task definition needs, and a few things it does not. */
export function verifyScenario(options: { targetGroupArn?: string; secrets?: number } = {}): Scenario {
  const secrets = options.secrets ?? 2;
  return {
    account: ACCOUNT,
    ecr: {
      repositories: [
        { name: 'web', images: [{ tags: ['1.2.3', '1.2.2'], platforms: ['linux/amd64', 'linux/arm64'] }] },
        { name: 'envoy', images: [{ tags: ['v1.31'], platforms: ['linux/arm64'], format: 'oci' }] },
        { name: 'worker', images: [{ tags: ['7'], platforms: ['linux/arm64'] }] },
        { name: 'legacy', images: [{ tags: ['1'], platforms: ['linux/amd64'] }] },
      ],
    },
    iam: {
      roles: [
        {
          name: 'web-execution',
          policies: [
            {
              name: 'pull-and-log',
              document: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
                  {
                    Effect: 'Allow',
                    Action: [
                      'ecr:BatchGetImage',
                      'ecr:GetDownloadUrlForLayer',
                      'ecr:BatchCheckLayerAvailability',
                    ],
                    Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/*`,
                  },
                  {
                    Effect: 'Allow',
                    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                    Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/ecs/*`,
                  },
                ],
              },
            },
            {
              name: 'read-secrets',
              document: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'secretsmanager:GetSecretValue',
                    Resource: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/*`,
                  },
                  {
                    Effect: 'Allow',
                    Action: 'ssm:GetParameters',
                    Resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/*`,
                  },
                  {
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:GetBucketLocation'],
                    Resource: ['arn:aws:s3:::prod-config', 'arn:aws:s3:::prod-config/*'],
                  },
                ],
              },
            },
          ],
        },
        {
          // Pulls and logs, but was never given the secrets.
          name: 'bare-execution',
          policies: [
            {
              name: 'pull-and-log',
              document: {
                Statement: [{ Effect: 'Allow', Action: ['ecr:*', 'logs:*'], Resource: '*' }],
              },
            },
          ],
        },
        {
          name: 'web-task',
          policies: [
            {
              name: 'mount-data',
              document: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
                    Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-0123abcd`,
                  },
                ],
              },
            },
          ],
        },
        {
          name: 'ec2-role',
          trust: {
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      ],
    },
    secretsmanager: {
      secrets: Array.from({ length: secrets }, (_, i) => ({
        name: i === 0 ? 'prod/db' : `prod/service-${i}`,
        value: JSON.stringify({ username: 'app', password: `not-shown-${i}` }),
      })),
    },
    ssm: { parameters: [{ name: '/prod/api-key', value: 'k-123', type: 'SecureString' }] },
    logs: { groups: [{ name: '/ecs/web' }, { name: '/ecs/sidecars' }] },
    elbv2: {
      targetGroups: [
        { name: 'web-tg', port: 8080, targetType: 'ip', vpcId: 'vpc-0a1b2c3d' },
        {
          name: 'web-admin-tg',
          port: 9000,
          targetType: 'ip',
          vpcId: 'vpc-0a1b2c3d',
          healthCheckPort: '9901',
        },
      ],
    },
    ec2: {
      subnets: [
        { id: 'subnet-0aaa1111', vpcId: 'vpc-0a1b2c3d' },
        { id: 'subnet-0bbb2222', vpcId: 'vpc-0a1b2c3d' },
        { id: 'subnet-0ccc3333', vpcId: 'vpc-0ffff000' },
      ],
      securityGroups: [{ id: 'sg-0123abcd', vpcId: 'vpc-0a1b2c3d' }],
    },
    efs: {
      fileSystems: [{ id: 'fs-0123abcd' }],
      accessPoints: [{ id: 'fsap-0123456789abcdef0', fileSystemId: 'fs-0123abcd' }],
    },
    s3: { objects: [{ bucket: 'prod-config', key: 'web.env', body: 'A=1\n' }] },
    ecs: {
      clusters: [{ name: 'prod', capacityProviders: ['FARGATE', 'FARGATE_SPOT'] }],
      taskDefinitions: [webDefinition({ tag: '1.2.2' })],
      services: [
        {
          cluster: 'prod',
          name: 'web',
          taskDefinition: 'web:1',
          desiredCount: 2,
          ...(options.targetGroupArn
            ? {
                loadBalancers: [
                  { targetGroupArn: options.targetGroupArn, containerName: 'web', containerPort: 8080 },
                ],
              }
            : {}),
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'],
              securityGroups: ['sg-0123abcd'],
            },
          },
        },
      ],
    },
  };
}

/** The web service's task definition: ARM64 Fargate, web + envoy, secrets from both stores. */
export function webDefinition(o: { tag?: string; containers?: number; secrets?: number } = {}): Json {
  const secrets = o.secrets ?? 2;
  const containers: Json[] = [
    {
      name: 'web',
      image: `${REGISTRY}/web:${o.tag ?? '1.2.3'}`,
      portMappings: [{ containerPort: 8080 }],
      secrets: [
        ...Array.from({ length: Math.max(0, secrets - 1) }, (_, i) => ({
          name: i === 0 ? 'DB_PASSWORD' : `SECRET_${i}`,
          valueFrom: `${secretArn(i === 0 ? 'prod/db' : `prod/service-${i}`)}:password::`,
        })),
        { name: 'API_KEY', valueFrom: '/prod/api-key' },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'web' },
      },
    },
    {
      name: 'envoy',
      image: `${REGISTRY}/envoy:v1.31`,
      essential: false,
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/sidecars',
          'awslogs-region': REGION,
          'awslogs-stream-prefix': 'envoy',
        },
      },
    },
  ];
  for (let i = 2; i < (o.containers ?? 2); i++)
    containers.push({
      name: `worker-${i}`,
      image: `${REGISTRY}/worker:7`,
      essential: false,
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/sidecars',
          'awslogs-region': REGION,
          'awslogs-stream-prefix': `worker-${i}`,
        },
      },
    });
  return {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    cpu: '512',
    memory: '1024',
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-execution`,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
    containerDefinitions: containers,
  };
}

/** Writes a task definition into a fresh workspace as pretty JSON (so findings have lines); returns both. */
export async function workspaceWith(definition: Json, name = 'task-definition.json') {
  const dir = await mkdtemp(join(tmpdir(), 'verify-'));
  const text = `${JSON.stringify(definition, null, 2)}\n`;
  await writeFile(join(dir, name), text);
  /** The line of the first occurrence of a string in the file. */
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  return { dir, file: name, text, lineOf };
}
