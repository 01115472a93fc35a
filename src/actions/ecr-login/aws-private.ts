// Everything a private-registry login needs from AWS, loaded as one bundle chunk after the inputs are checked.
import { ECRClient } from '@aws-sdk/client-ecr';
import { createClient, type Env } from '../../aws/client.js';
import { getPrivateCredentials, type RegistryCredentials } from '../../ecr/auth.js';
import type { EcrLoginPlan } from '../../ecr/login-plan.js';

/** The plan's registries' credentials, with one client per region asked. */
export function privateCredentials(
  plan: EcrLoginPlan,
  action: string,
  env: Env,
): Promise<RegistryCredentials[]> {
  const clients = new Map<string, ECRClient>();
  const clientFor = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = createClient(ECRClient, { region, action, env });
      clients.set(region, c);
    }
    return c;
  };
  return getPrivateCredentials(plan.registries, plan.region, clientFor);
}
