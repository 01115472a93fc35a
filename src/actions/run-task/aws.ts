// What run-task needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { newReport, runRunTask } from '../../ecs/run-task-run.js';
