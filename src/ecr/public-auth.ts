/** Docker credentials for ECR Public (public.ecr.aws), whose authorization exists only in us-east-1. */
import { type ECRPUBLICClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import { decodeToken, type RegistryCredentials } from './auth.js';
import { ECR_PUBLIC_REGION, PUBLIC_REGISTRY } from './registry.js';

export async function getPublicCredentials(
  client: Pick<ECRPUBLICClient, 'send'>,
): Promise<RegistryCredentials> {
  const data = (await client.send(new GetAuthorizationTokenCommand({}))).authorizationData;
  if (!data) throw new Error('ECR Public returned no authorization data.');
  return {
    registry: PUBLIC_REGISTRY,
    ...decodeToken(data.authorizationToken, PUBLIC_REGISTRY),
    expiresAt: data.expiresAt,
    region: ECR_PUBLIC_REGION,
  };
}
