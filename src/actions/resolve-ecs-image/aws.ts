// The AWS client factory and the run, loaded after the inputs are checked; each source's SDK has a chunk
// of its own (aws-image-builder.ts, aws-ssm.ts), loaded only when that source is read.
export { createClient, resolveRegion } from '../../aws/client.js';
export { runResolve } from '../../imagebuilder/resolve-run.js';
