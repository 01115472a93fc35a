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
