// What image-pipeline needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
export { createClient, resolveRegion } from '../../aws/client.js';
export { newPipelineReport, runPipeline } from '../../imagebuilder/pipeline-run.js';
