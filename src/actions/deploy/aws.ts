// What deploying needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
export { CodeDeployClient } from '@aws-sdk/client-codedeploy';
export { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export {
  CodeDeployFailed,
  createDeployment,
  deploymentGroup,
  groupWaits,
  lifecycleLines,
  waitForCodeDeploy,
} from '../../ecs/codedeploy.js';
export {
  deregisterOlder,
  describeService,
  explainFailure,
  registerIfChanged,
  updateService,
  waitForDeployment,
} from '../../ecs/deploy.js';
