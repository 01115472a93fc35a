// Everything an ECR Public login needs from AWS, loaded as one bundle chunk after the inputs are checked.
import { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { createClient, type Env } from '../../aws/client.js';
import type { RegistryCredentials } from '../../ecr/auth.js';
import type { EcrLoginPlan } from '../../ecr/login-plan.js';
import { getPublicCredentials } from '../../ecr/public-auth.js';

/** ECR Public's credentials, asked in the plan's region (us-east-1, the only one that has them). */
export async function publicCredentials(
  plan: EcrLoginPlan,
  action: string,
  env: Env,
): Promise<RegistryCredentials[]> {
  return [await getPublicCredentials(createClient(ECRPUBLICClient, { region: plan.region, action, env }))];
}
