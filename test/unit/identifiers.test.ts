import { describe, expect, test } from '@jest/globals';
import {
  isAmiId,
  parseCluster,
  regionFromArn,
  regionFromArns,
  regionOfArn,
} from '../../src/aws/identifiers.js';
import { UserError } from '../../src/errors.js';
import { inWorkspace, runAttempt, runUrl, workspaceOf } from '../../src/runner-env.js';

describe('clusters: a name or an ARN, the same for every action', () => {
  test('a name has no region; an ARN gives its name and region', () => {
    expect(parseCluster('prod')).toEqual({ name: 'prod' });
    expect(parseCluster('arn:aws:ecs:eu-west-1:111122223333:cluster/prod')).toEqual({
      name: 'prod',
      region: 'eu-west-1',
    });
    expect(parseCluster('arn:aws-cn:ecs:cn-north-1:111122223333:cluster/x')).toEqual({
      name: 'x',
      region: 'cn-north-1',
    });
  });

  test("the ARN's region decides; a region input that disagrees is refused naming both", () => {
    const arn = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
    expect(regionFromArn('cluster', arn, undefined)).toBe('eu-west-1');
    expect(regionFromArn('cluster', arn, 'eu-west-1')).toBe('eu-west-1');
    expect(regionFromArn('cluster', 'prod', 'us-east-2')).toBe('us-east-2');
    expect(regionFromArn('cluster', undefined, undefined)).toBeUndefined();
    expect(() => regionFromArn('cluster', arn, 'us-east-1')).toThrow(UserError);
    expect(() => regionFromArn('cluster', arn, 'us-east-1')).toThrow(
      "Input 'cluster' is an ARN in eu-west-1, but input 'region' is us-east-1",
    );
    expect(regionOfArn('arn:aws:iam::111122223333:role/x')).toBeUndefined();
  });
});

test('several ARN inputs: their regions agree with each other and the region input', () => {
  const cluster = 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod';
  const td = (r: string) => `arn:aws:ecs:${r}:111122223333:task-definition/web:3`;
  expect(regionFromArns({ cluster, 'task-definition': td('eu-west-1') }, undefined)).toBe('eu-west-1');
  expect(regionFromArns({ cluster: 'prod', 'task-definition': td('ap-south-1') }, undefined)).toBe(
    'ap-south-1',
  );
  expect(regionFromArns({ cluster: 'prod', 'task-definition': 'web.json' }, 'us-east-2')).toBe('us-east-2');
  expect(() => regionFromArns({ cluster, 'task-definition': td('us-east-1') }, undefined)).toThrow(
    "Input 'task-definition' is an ARN in us-east-1, but input 'cluster' (an ARN) is eu-west-1",
  );
  expect(() => regionFromArns({ cluster: 'prod', 'task-definition': td('us-east-1') }, 'eu-west-1')).toThrow(
    "Input 'task-definition' is an ARN in us-east-1, but input 'region' is eu-west-1",
  );
});

test('one AMI ID rule: 8 or 17 lower-case hex digits', () => {
  for (const ok of ['ami-12345678', 'ami-0123456789abcdef0']) expect(isAmiId(ok)).toBe(true);
  for (const bad of [
    'ami-123',
    'ami-0123456789ABCDEF0',
    'ami-0123456789abcdef',
    'ami-0123456789abcdef0 ',
    'lt-0123',
  ])
    expect(isAmiId(bad)).toBe(false);
});

test('runner environment: workspace default, run URL, attempt', () => {
  expect(workspaceOf({})).toBe(process.cwd());
  expect(workspaceOf({ GITHUB_WORKSPACE: '/w' })).toBe('/w');
  expect(inWorkspace({ GITHUB_WORKSPACE: '/w' }, 'a/b.json')).toBe('/w/a/b.json');
  expect(inWorkspace({ GITHUB_WORKSPACE: '/w' }, '/abs.json')).toBe('/abs.json');
  expect(runUrl({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' })).toBe(
    'https://github.com/o/r/actions/runs/42',
  );
  expect(
    runUrl({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://ghe.example' }),
  ).toBe('https://ghe.example/o/r/actions/runs/42');
  expect(runUrl({ GITHUB_RUN_ID: '42' })).toBeUndefined();
  expect(runAttempt({ GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '3' })).toBe('42-3');
  expect(runAttempt({})).toBeUndefined();
});
