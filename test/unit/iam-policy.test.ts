// The docs' IAM check judges statement by statement: the action must be listed by an Allow statement
// whose Resource could be the call's resource; a mention elsewhere on the page counts for nothing.
import { expect, test } from '@jest/globals';
import { grants, policiesIn, resourceTypeOf } from '../harness/iam.js';

const page = (statements: object[]) =>
  `Prose that mentions "ecs:UpdateService" and "ec2:CreateLaunchTemplateVersion".\n\n\`\`\`json\n${JSON.stringify({ Version: '2012-10-17', Statement: statements })}\n\`\`\`\n`;

test('an action only named in prose, or only denied, is not granted', () => {
  const [policy] = policiesIn(
    page([
      { Effect: 'Deny', Action: 'ecs:UpdateService', Resource: '*' },
      { Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: '*' },
    ]),
  );
  expect(grants(policy!, 'ecs:UpdateService').granted).toEqual([]);
  expect(grants(policy!, 'ecs:DescribeServices').granted).toHaveLength(1);
});

test('a scoped statement grants only calls on its resource type; wildcards in actions count', () => {
  const [policy] = policiesIn(
    page([
      {
        Sid: 'Wrong',
        Effect: 'Allow',
        Action: 'ec2:CreateLaunchTemplateVersion',
        Resource: 'arn:aws:ec2:*:*:image/*',
      },
      {
        Sid: 'Groups',
        Effect: 'Allow',
        Action: 'autoscaling:*InstanceRefresh',
        Resource: 'arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/ecs-*',
      },
    ]),
  );
  const lt = grants(policy!, 'ec2:CreateLaunchTemplateVersion');
  expect(lt.granted).toEqual([]);
  expect(lt.refused[0]).toMatch(
    /^Wrong lists ec2:CreateLaunchTemplateVersion but only for .*image.*, not a launch-template$/,
  );
  expect(grants(policy!, 'autoscaling:StartInstanceRefresh').granted).toHaveLength(1);
  expect(grants(policy!, 'autoscaling:DescribeInstanceRefreshes').granted).toEqual([]);
});

test('trust policies are left out; resource types read the way IAM names them', () => {
  expect(
    policiesIn(
      page([{ Effect: 'Allow', Principal: { Federated: 'x' }, Action: 'sts:AssumeRoleWithWebIdentity' }]),
    ),
  ).toEqual([]);
  expect(resourceTypeOf('arn:aws:imagebuilder:eu-west-1:123456789012:image-pipeline/ecs-node')).toBe(
    'imagePipeline',
  );
  expect(resourceTypeOf('arn:aws:logs:*:1:log-group:/ecs/*:log-stream:*')).toBe('log-group');
  expect(resourceTypeOf('arn:aws:ssm:*::parameter/aws/service/*')).toBe('parameter');
  expect(resourceTypeOf('arn:aws:s3:::my-config-bucket')).toBe('bucket');
  expect(resourceTypeOf('arn:aws:s3:::my-config-bucket/*')).toBe('object');
});
