// What rollout-ecs-ami needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
export { EC2Client } from '@aws-sdk/client-ec2';
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { newRolloutReport, runRollout } from '../../rollout/run.js';
