// What run-task needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { registerIfChanged } from '../../ecs/deploy.js';
export { judgeTasks, runTasks, waitForTasks } from '../../ecs/run-task.js';
