// What finding or creating a repository needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { ECRClient } from '@aws-sdk/client-ecr';
export { createClient, resolveRegion } from '../../aws/client.js';
export { runRepository } from '../../ecr/repository-run.js';
