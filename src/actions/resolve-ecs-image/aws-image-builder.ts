// What reading Amazon's managed Image Builder images needs: one bundle chunk, loaded only for that source.
export { ImagebuilderClient } from '@aws-sdk/client-imagebuilder';
