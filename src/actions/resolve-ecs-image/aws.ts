// The AWS client factory, loaded after the inputs are checked; each source has a chunk of its own.
export { createClient, resolveRegion } from '../../aws/client.js';
