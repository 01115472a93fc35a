// What verify reads out of a task definition before it asks AWS anything, and how it reads a trust policy.
import { expect, test } from '@jest/globals';
import { trustsEcsTasks } from '../../src/verify/iam.js';
import { referencesOf, secretReference } from '../../src/verify/references.js';

test.each([
  [
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password:AWSPREVIOUS:',
    {
      store: 'secretsmanager',
      region: 'eu-west-1',
      account: '123456789012',
      id: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf',
      jsonKey: 'password',
      versionStage: 'AWSPREVIOUS',
    },
  ],
  [
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:token',
    {
      store: 'secretsmanager',
      region: 'us-east-1',
      account: '123456789012',
      id: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token',
    },
  ],
  [
    'arn:aws:ssm:us-west-2:123456789012:parameter/prod/api-key',
    { store: 'ssm', region: 'us-west-2', account: '123456789012', id: '/prod/api-key' },
  ],
  [
    'arn:aws:ssm:us-west-2:123456789012:parameter/plain',
    { store: 'ssm', region: 'us-west-2', account: '123456789012', id: 'plain' },
  ],
  ['/prod/api-key', { store: 'ssm', region: 'us-east-1', id: '/prod/api-key' }],
  ['plain', { store: 'ssm', region: 'us-east-1', id: 'plain' }],
])('valueFrom %s', (valueFrom, expected) => {
  expect(secretReference(valueFrom, 'us-east-1')).toEqual(expected);
});

test('references carry the pointer of where they are written; log groups, EFS and environment files too', () => {
  const refs = referencesOf(
    {
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx',
          repositoryCredentials: {
            credentialsParameter: 'arn:aws:secretsmanager:us-east-1:1:secret:hub-AbCdEf',
          },
          secrets: [{ name: 'A', valueFrom: '/a' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/web', 'awslogs-create-group': 'True' },
            secretOptions: [{ name: 'token', valueFrom: '/log-token' }],
          },
          environmentFiles: [
            { value: 'arn:aws:s3:::b/k.env', type: 's3' },
            { value: 's3://b/k.env', type: 's3' },
          ],
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
        },
      ],
      volumes: [
        {
          name: 'data',
          efsVolumeConfiguration: {
            fileSystemId: 'fs-1',
            authorizationConfig: { iam: 'ENABLED', accessPointId: 'fsap-1' },
          },
        },
      ],
    },
    'us-east-1',
  );
  expect(refs.images).toEqual([
    {
      container: 'web',
      image: 'nginx',
      pointer: '/containerDefinitions/0/image',
      credentials: 'arn:aws:secretsmanager:us-east-1:1:secret:hub-AbCdEf',
    },
  ]);
  expect(refs.secrets.map((s) => [s.name, s.pointer])).toEqual([
    ['A', '/containerDefinitions/0/secrets/0/valueFrom'],
    ['token', '/containerDefinitions/0/logConfiguration/secretOptions/0/valueFrom'],
    ['repositoryCredentials', '/containerDefinitions/0/repositoryCredentials/credentialsParameter'],
  ]);
  expect(refs.logs).toEqual([
    {
      container: 'web',
      group: '/ecs/web',
      region: 'us-east-1',
      create: true,
      pointer: '/containerDefinitions/0/logConfiguration/options/awslogs-group',
    },
  ]);
  expect(refs.envFiles.map((f) => [f.bucket, f.key])).toEqual([['b', 'k.env']]);
  expect(refs.malformed).toEqual([
    {
      pointer: '/containerDefinitions/0/environmentFiles/1/value',
      message: expect.stringContaining('"s3://b/k.env" of container web is not an S3 object ARN'),
    },
  ]);
  expect(refs.efs).toEqual([
    {
      volume: 'data',
      fileSystemId: 'fs-1',
      accessPointId: 'fsap-1',
      iam: true,
      readOnly: true,
      pointer: '/volumes/0/efsVolumeConfiguration/fileSystemId',
    },
  ]);
});

test('a hostile task definition (wrong types everywhere) gives no references rather than a crash', () => {
  const refs = referencesOf(
    {
      containerDefinitions: [null, 3, { name: 4, image: [], secrets: 'x', logConfiguration: 5 }],
      volumes: {},
    },
    'us-east-1',
  );
  expect(refs).toEqual({ images: [], secrets: [], logs: [], efs: [], envFiles: [], malformed: [] });
});

const encoded = (doc: object) => encodeURIComponent(JSON.stringify(doc));
test.each([
  [
    {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    true,
  ],
  [
    {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'] },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    },
    true,
  ],
  [
    {
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:Assume*' },
      ],
    },
    true,
  ],
  [
    {
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    false,
  ],
  [
    {
      Statement: [
        { Effect: 'Deny', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    false,
  ],
  [
    {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ecs-tasks.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    },
    false,
  ],
])('trust policy %j → %s', (doc, expected) => {
  expect(trustsEcsTasks(encoded(doc))).toBe(expected);
});
test('a trust policy that is not URL-encoded JSON does not trust anyone', () => {
  expect(trustsEcsTasks('%E0%A4%A')).toBe(false);
  expect(trustsEcsTasks(undefined)).toBe(false);
});

test('registry credentials given by name are a Secrets Manager secret, not an SSM parameter', () => {
  const refs = referencesOf(
    {
      containerDefinitions: [
        {
          name: 'sidecar',
          image: 'ghcr.io/acme/sidecar:1',
          repositoryCredentials: { credentialsParameter: 'ghcr-token' },
        },
      ],
    },
    'eu-west-1',
  );
  expect(refs.secrets).toEqual([
    expect.objectContaining({
      name: 'repositoryCredentials',
      store: 'secretsmanager',
      id: 'ghcr-token',
      region: 'eu-west-1',
    }),
  ]);
  expect(refs.images[0]?.credentials).toBe('ghcr-token');
});
