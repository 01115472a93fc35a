// What reading a task definition from ECS needs, loaded only for the 'family' input.
export { ECSClient } from '@aws-sdk/client-ecs';
export { createClient, resolveRegion } from '../../aws/client.js';
