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
