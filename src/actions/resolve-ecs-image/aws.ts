// What resolve-ecs-image needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
export { SSMClient } from '@aws-sdk/client-ssm';
export { createClient, resolveRegion } from '../../aws/client.js';
export { compareWith, resolveImage } from '../../imagebuilder/resolve.js';
