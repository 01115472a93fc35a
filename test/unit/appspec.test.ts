import { describe, expect, test } from '@jest/globals';
import {
  appSpecFromService,
  checkAgainstTaskDefinition,
  serviceResource,
  withTaskDefinition,
} from '../../src/ecs/appspec.js';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7';

describe('AppSpec files', () => {
  test('TaskDefinition is set in the key case the file uses; everything else is kept', () => {
    const file = {
      version: 0,
      resources: [
        {
          target: {
            type: 'AWS::ECS::Service',
            properties: { taskdefinition: '<TD>', PlatformVersion: '1.4.0' },
          },
        },
      ],
      Hooks: [{ BeforeAllowTraffic: 'fn' }],
    };
    // Type is matched in any case as well.
    const out = withTaskDefinition(file, ARN, 'appspec.yaml');
    expect(out).toEqual({
      ...file,
      resources: [
        {
          target: {
            type: 'AWS::ECS::Service',
            properties: { taskdefinition: ARN, PlatformVersion: '1.4.0' },
          },
        },
      ],
    });
    expect(file.resources[0]!.target.properties.taskdefinition).toBe('<TD>');
  });

  test.each([
    [{}, /needs "Resources" with exactly one entry/],
    [
      { Resources: [{ A: { Type: 'AWS::Lambda::Function', Properties: {} } }] },
      /it has Type "AWS::Lambda::Function"/,
    ],
    [
      { Resources: [{ A: { Type: 'AWS::ECS::Service' } }] },
      /must have "Type: AWS::ECS::Service" and "Properties"/,
    ],
  ])('%j is refused, naming the file', (doc, message) => {
    expect(() => serviceResource(doc, 'deploy/appspec.yml')).toThrow(message);
  });
});

describe('AppSpec made from the service', () => {
  test('load balancer container and port, network, platform and capacity provider strategy', () => {
    const spec = appSpecFromService(
      {
        serviceName: 'web',
        platformVersion: 'LATEST',
        loadBalancers: [{ targetGroupArn: 'tg', containerName: 'app', containerPort: 8080 }],
        networkConfiguration: {
          awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [], assignPublicIp: 'DISABLED' },
        },
      },
      ARN,
      [{ capacityProvider: 'FARGATE_SPOT', weight: 3 }],
    );
    expect(serviceResource(spec, 'x')).toEqual({
      TaskDefinition: ARN,
      LoadBalancerInfo: { ContainerName: 'app', ContainerPort: 8080 },
      PlatformVersion: 'LATEST',
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'], AssignPublicIp: 'DISABLED' } },
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 3 }],
    });
  });

  test('a service without a load balancer cannot be deployed blue/green without a file', () => {
    expect(() => appSpecFromService({ serviceName: 'worker' }, ARN)).toThrow(
      /"worker" has no load balancer .* give an AppSpec file with 'codedeploy-appspec'/,
    );
  });

  test('the container and port are checked against the task definition', () => {
    const def = { containerDefinitions: [{ name: 'app', portMappings: [{ containerPort: 8080 }] }] };
    const props = (name: string, port: number) => ({
      LoadBalancerInfo: { ContainerName: name, ContainerPort: port },
    });
    expect(() => checkAgainstTaskDefinition(props('app', 8080), def, 'a')).not.toThrow();
    expect(() => checkAgainstTaskDefinition(props('api', 8080), def, 'a')).toThrow('it has "app"');
    expect(() => checkAgainstTaskDefinition(props('app', 80), def, 'a')).toThrow('which maps only 8080');
  });
});
