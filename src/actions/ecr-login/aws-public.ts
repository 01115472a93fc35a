// Everything an ECR Public login needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
export { createClient } from '../../aws/client.js';
export { getPublicCredentials } from '../../ecr/public-auth.js';
