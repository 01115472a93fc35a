/**
 * AppSpec files for CodeDeploy blue/green deployments of ECS services: read from the user's file (any
 * key case, as CodeDeploy accepts) or made from the live service, with the new task definition set in
 * every resource, and checked against the task definition before anything is sent to AWS.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { UserError } from '../errors.js';
import { isJsonObject as isObject } from '../json/parse.js';

type Json = Record<string, unknown>;

/** The value under `key` in any letter case, and the key as the file spells it. */
function field(object: Json, key: string): [string, unknown] | undefined {
  const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : [found, object[found]];
}

/** The properties of the AppSpec's one ECS service resource; a clear error naming the file when there is none. */
export function serviceResource(appSpec: unknown, where: string): Json {
  const resources = isObject(appSpec) ? field(appSpec, 'Resources')?.[1] : undefined;
  if (!Array.isArray(resources) || resources.length !== 1) {
    throw new UserError(
      `${where} needs "Resources" with exactly one entry: the ECS service (Type AWS::ECS::Service) to deploy.`,
    );
  }
  const entry = resources[0] as unknown;
  const resource = isObject(entry) ? Object.values(entry)[0] : undefined;
  const type = isObject(resource) ? field(resource, 'Type')?.[1] : undefined;
  const properties = isObject(resource) ? field(resource, 'Properties')?.[1] : undefined;
  if (type !== 'AWS::ECS::Service' || !isObject(properties)) {
    throw new UserError(
      `${where}: the resource must have "Type: AWS::ECS::Service" and "Properties" (TaskDefinition, LoadBalancerInfo); it has Type ${JSON.stringify(type ?? null)}.`,
    );
  }
  return properties;
}

/** A copy of the user's AppSpec with TaskDefinition set to the ARN being deployed. */
export function withTaskDefinition(appSpec: unknown, arn: string, where: string): Json {
  const copy = structuredClone(appSpec) as Json;
  const properties = serviceResource(copy, where);
  const [key] = field(properties, 'TaskDefinition') ?? ['TaskDefinition'];
  properties[key] = arn;
  return copy;
}

/** An AppSpec made from the service as it runs: its load balancer's container and port, network and platform. */
export function appSpecFromService(
  service: Service,
  arn: string,
  capacityProviderStrategy?: readonly Json[],
): Json {
  const lb = service.loadBalancers?.find((l) => l.containerName && l.containerPort !== undefined);
  if (!lb) {
    throw new UserError(
      `The service "${service.serviceName}" has no load balancer with a container name and port, which a CodeDeploy blue/green deployment needs; give an AppSpec file with 'codedeploy-appspec'.`,
    );
  }
  const vpc = service.networkConfiguration?.awsvpcConfiguration;
  const properties: Json = {
    TaskDefinition: arn,
    LoadBalancerInfo: { ContainerName: lb.containerName, ContainerPort: lb.containerPort },
    ...(service.platformVersion ? { PlatformVersion: service.platformVersion } : {}),
    ...(vpc
      ? {
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: vpc.subnets ?? [],
              ...(vpc.securityGroups?.length ? { SecurityGroups: vpc.securityGroups } : {}),
              ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
            },
          },
        }
      : {}),
    ...(capacityProviderStrategy
      ? {
          CapacityProviderStrategy: capacityProviderStrategy.map((s) => ({
            ...(s['capacityProvider'] !== undefined ? { CapacityProvider: s['capacityProvider'] } : {}),
            ...(s['weight'] !== undefined ? { Weight: s['weight'] } : {}),
            ...(s['base'] !== undefined ? { Base: s['base'] } : {}),
          })),
        }
      : {}),
  };
  return {
    version: 0.0,
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
  };
}

/**
 * What CodeDeploy would only find out once the replacement task set fails to start: the AppSpec's
 * load balancer container is not in the task definition, or does not map the port.
 */
export function checkAgainstTaskDefinition(properties: Json, definition: Json, where: string): void {
  const lb = field(properties, 'LoadBalancerInfo')?.[1];
  if (!isObject(lb)) return;
  const name = field(lb, 'ContainerName')?.[1];
  const port = Number(field(lb, 'ContainerPort')?.[1]);
  const containers = (definition['containerDefinitions'] as Json[] | undefined) ?? [];
  const container = containers.find((c) => c['name'] === name);
  if (!container) {
    throw new UserError(
      `${where} routes traffic to container ${JSON.stringify(name)}, which the task definition does not have; it has ${containers.map((c) => JSON.stringify(c['name'])).join(', ')}.`,
    );
  }
  const ports = ((container['portMappings'] as Json[] | undefined) ?? []).map((m) =>
    Number(m['containerPort']),
  );
  if (!ports.includes(port)) {
    throw new UserError(
      `${where} routes traffic to port ${port} of container "${String(name)}", which maps ${ports.length ? `only ${ports.join(', ')}` : 'no ports'}.`,
    );
  }
}
