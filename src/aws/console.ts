/** Links to the AWS console for the resources an action touched, in the region's partition. */

function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return `https://${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return `https://${region}.console.amazonaws-us-gov.com`;
  return `https://${region}.console.aws.amazon.com`;
}

export const consoleLinks = {
  ecrPrivateRepositories: (region: string) =>
    `${consoleHost(region)}/ecr/private-registry/repositories?region=${region}`,
  ecrRepository: (region: string, account: string, name: string) =>
    `${consoleHost(region)}/ecr/repositories/private/${account}/${name}?region=${region}`,
  ecrPublicRepositories: () =>
    `${consoleHost('us-east-1')}/ecr/public-registry/repositories?region=us-east-1`,
  ecsService: (region: string, cluster: string, service: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${cluster}/services/${service}/health?region=${region}`,
  codeDeployDeployment: (region: string, id: string) =>
    `${consoleHost(region)}/codesuite/codedeploy/deployments/${id}?region=${region}`,
  /** A service deployment (its ARN ends with the ID the console shows). */
  ecsServiceDeployment: (region: string, cluster: string, service: string, arn: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${cluster}/services/${service}/deployments/${arn.split('/').pop()}?region=${region}`,
  /** An Image Builder image build (its build-version ARN). */
  imageBuilderImage: (region: string, arn: string) =>
    `${consoleHost(region)}/imagebuilder/home?region=${region}#/images/${encodeURIComponent(arn)}/details`,
  ecsServiceDeployments: (region: string, cluster: string, service: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${cluster}/services/${service}/deployments?region=${region}`,
};
