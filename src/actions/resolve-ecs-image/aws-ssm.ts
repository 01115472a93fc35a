// What reading the public SSM parameters needs: one bundle chunk, loaded only for that source.
export { SSMClient } from '@aws-sdk/client-ssm';
