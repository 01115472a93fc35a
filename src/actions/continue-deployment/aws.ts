// What continuing a deployment needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
export { runContinue } from '../../ecs/continue-run.js';
export { newReport } from '../../ecs/deploy-run.js';
