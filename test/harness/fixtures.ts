/** Task definitions the tests share: a one-container Fargate service that logs to CloudWatch (/ecs/<family>). */
export function fargateTaskDefinition(
  family: string,
  image = 'nginx',
  environment?: { name: string; value: string }[],
) {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: 'arn:aws:iam::111122223333:role/exec',
    containerDefinitions: [
      {
        name: 'app',
        image,
        ...(environment ? { environment } : {}),
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${family}`,
            'awslogs-region': 'us-east-1',
            'awslogs-stream-prefix': 'ecs',
          },
        },
      },
    ],
  };
}

/** A load balancer as ECS blue/green needs it: the target group in use, the alternate one, the listener rules. */
export const blueGreenLoadBalancer = {
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/blue/1',
  containerName: 'app',
  containerPort: 8080,
  advancedConfiguration: {
    alternateTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/green/2',
    productionListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/lb/1/2/3',
    testListenerRule: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener-rule/app/lb/1/2/4',
    roleArn: 'arn:aws:iam::111122223333:role/ecs-blue-green',
  },
};
