/**
 * The service inputs deploy and verify-task-definition share (what UpdateService will change), declared
 * once: verify checks and diffs the service as the deploy will leave it.
 */
import { integer, json, oneOf } from './inputs.js';

export const serviceUpdateInputs = {
  'desired-count': integer({ min: 0, max: 5000 }),
  'enable-ecs-managed-tags': oneOf(['true', 'false'], {}),
  'propagate-tags': oneOf(['TASK_DEFINITION', 'SERVICE', 'NONE'], {}),
  'deployment-configuration': json({ shape: 'object' }),
  'capacity-provider-strategy': json({ shape: 'array' }),
  'load-balancers': json({ shape: 'array' }),
  'service-connect-configuration': json({ shape: 'object' }),
};
