// What rollout-ecs-ami needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
export { EC2Client } from '@aws-sdk/client-ec2';
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { clusterCapacity, describeGroups, findTargets } from '../../rollout/targets.js';
export { checkImage, explainMissingTemplate, moveTemplate } from '../../rollout/templates.js';
export {
  activeRefresh,
  cancelRefresh,
  describeProgress,
  desiredFor,
  isInProgressError,
  preferencesFor,
  rollbackFor,
  startRefresh,
  waitForRefreshes,
} from '../../rollout/refresh.js';
export { verifyFleet } from '../../rollout/verify.js';
