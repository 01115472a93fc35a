// What deploying needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
export { CodeDeployClient } from '@aws-sdk/client-codedeploy';
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { newReport, runDeploy } from '../../ecs/deploy-run.js';
