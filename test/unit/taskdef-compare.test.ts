import { expect, test } from '@jest/globals';
import { sameTaskDefinition } from '../../src/taskdef/compare.js';
import { describeChanges } from '../../src/taskdef/diff.js';

const local = {
  family: 'web',
  networkMode: 'awsvpc',
  cpu: '0.25 vCPU',
  memory: '0.5 GB',
  containerDefinitions: [
    {
      name: 'app',
      image: 'nginx',
      portMappings: [{ containerPort: 80 }],
      environment: [
        { name: 'B', value: '2' },
        { name: 'A', value: '1' },
      ],
    },
  ],
};
// What ECS gives back for it: defaults filled in, units converted, another key order.
const registered = {
  memory: '512',
  cpu: '256',
  family: 'web',
  networkMode: 'awsvpc',
  volumes: [],
  placementConstraints: [],
  containerDefinitions: [
    {
      cpu: 0,
      essential: true,
      name: 'app',
      image: 'nginx',
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
      environment: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      mountPoints: [],
      volumesFrom: [],
      systemControls: [],
    },
  ],
};

test('a file and its registered revision are the same once ECS defaults are applied', () => {
  expect(sameTaskDefinition(local, registered)).toBe(true);
});

test.each([
  ['image', { containerDefinitions: [{ ...local.containerDefinitions[0], image: 'nginx:2' }] }],
  ['memory', { memory: '1024' }],
  [
    'an environment value',
    {
      containerDefinitions: [
        {
          ...local.containerDefinitions[0],
          environment: [
            { name: 'A', value: '9' },
            { name: 'B', value: '2' },
          ],
        },
      ],
    },
  ],
  ['a new key', { runtimePlatform: { cpuArchitecture: 'ARM64' } }],
])('a different %s is a change', (_name, change) => {
  expect(sameTaskDefinition({ ...local, ...change }, registered)).toBe(false);
});

test('also the same: another container, secret or compatibility order; a health check with the defaults ECS adds; empty lists', () => {
  const sidecar = { name: 'envoy', image: 'envoy:1.30' };
  const file = {
    ...local,
    requiresCompatibilities: ['FARGATE', 'EC2'],
    containerDefinitions: [
      {
        ...local.containerDefinitions[0],
        secrets: [
          { name: 'TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/token' },
          { name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' },
        ],
        healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'] },
        ulimits: [],
      },
      sidecar,
    ],
  };
  const stored = {
    ...registered,
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
    revision: 3,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresCompatibilities: ['EC2', 'FARGATE'],
    containerDefinitions: [
      {
        ...sidecar,
        cpu: 0,
        essential: true,
        environment: [],
        mountPoints: [],
        portMappings: [],
        volumesFrom: [],
        systemControls: [],
      },
      {
        ...registered.containerDefinitions[0],
        secrets: [
          { name: 'DB', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/db' },
          { name: 'TOKEN', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/token' },
        ],
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
          interval: 30,
          timeout: 5,
          retries: 3,
        },
      },
    ],
  };
  expect(sameTaskDefinition(file, stored)).toBe(true);
});

test.each([
  ['command order', { command: ['b', 'a'] }, { command: ['a', 'b'] }],
  [
    'environment file order (a later file overrides an earlier one)',
    {
      environmentFiles: [
        { type: 's3', value: 'arn:aws:s3:::c/2.env' },
        { type: 's3', value: 'arn:aws:s3:::c/1.env' },
      ],
    },
    {
      environmentFiles: [
        { type: 's3', value: 'arn:aws:s3:::c/1.env' },
        { type: 's3', value: 'arn:aws:s3:::c/2.env' },
      ],
    },
  ],
  [
    'a health check interval',
    { healthCheck: { command: ['CMD', 'true'], interval: 10 } },
    { healthCheck: { command: ['CMD', 'true'] } },
  ],
])('still a change: %s', (_name, mine, theirs) => {
  const with_ = (extra: object) => ({
    ...local,
    containerDefinitions: [{ ...local.containerDefinitions[0], ...extra }],
  });
  expect(sameTaskDefinition(with_(mine), with_(theirs))).toBe(false);
  expect(sameTaskDefinition(with_(mine), with_(mine))).toBe(true);
});

test('the summary names what changed', () => {
  expect(
    describeChanges(registered, {
      ...local,
      memory: '1024',
      containerDefinitions: [
        {
          ...local.containerDefinitions[0],
          image: 'nginx:2',
          environment: [
            { name: 'A', value: '1' },
            { name: 'C', value: '3' },
          ],
        },
      ],
    }),
  ).toEqual(['app: image nginx → nginx:2', 'app: environment +C -B', 'memory: 512 → 1024']);
  expect(describeChanges(undefined, local)).toEqual(['first revision of this family']);
});
