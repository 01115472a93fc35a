/**
 * Gets Docker credentials for ECR registries: one GetAuthorizationToken call per region (registries in
 * other regions than the step's are asked of their own region), or ECR Public in us-east-1.
 */
import { type ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { type PrivateRegistryRef, planRegions } from './registry.js';

export interface RegistryCredentials {
  /** Registry host as Docker names it, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com. */
  registry: string;
  username: string;
  password: string;
  expiresAt: Date | undefined;
  region: string;
}

export type EcrClientFor = (region: string) => Pick<ECRClient, 'send'>;

export function decodeToken(
  token: string | undefined,
  registry: string,
): { username: string; password: string } {
  const decoded = Buffer.from(token ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (!token || colon <= 0 || colon === decoded.length - 1) {
    throw new Error(
      `ECR returned an authorization token for ${registry} that is not of the form user:password.`,
    );
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function hostOf(proxyEndpoint: string | undefined): string {
  if (!proxyEndpoint) throw new Error('ECR returned authorization data without a proxyEndpoint.');
  return proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

export async function getPrivateCredentials(
  refs: readonly PrivateRegistryRef[],
  stepRegion: string,
  clientFor: EcrClientFor,
): Promise<RegistryCredentials[]> {
  if (refs.length === 0) {
    const out = await clientFor(stepRegion).send(new GetAuthorizationTokenCommand({}));
    return (out.authorizationData ?? []).map((data) => {
      const registry = hostOf(data.proxyEndpoint);
      return {
        registry,
        ...decodeToken(data.authorizationToken, registry),
        expiresAt: data.expiresAt,
        region: stepRegion,
      };
    });
  }
  // One slot per reference, so the result keeps the order the user listed them in.
  const slots: RegistryCredentials[] = [];
  const calls = [...planRegions(refs, stepRegion)].map(async ([region, inRegion]) => {
    const registryIds = [...new Set(inRegion.map((r) => r.accountId))];
    const out = await clientFor(region).send(new GetAuthorizationTokenCommand({ registryIds }));
    const data = out.authorizationData ?? [];
    if (data.length !== registryIds.length) {
      throw new Error(
        `ECR in ${region} returned ${data.length} authorization entries for ${registryIds.length} registries.`,
      );
    }
    // Entries follow the requested order; match by account where the endpoint names one.
    const byAccount = new Map<string, (typeof data)[number]>();
    data.forEach((d, i) => {
      const account = /^(\d{12})\./.exec(hostOf(d.proxyEndpoint))?.[1] ?? registryIds[i]!;
      byAccount.set(account, d);
    });
    for (const ref of inRegion) {
      const d = byAccount.get(ref.accountId);
      if (!d)
        throw new Error(`ECR in ${region} returned no authorization data for registry ${ref.accountId}.`);
      // A URI the user gave (FIPS, dual-stack) is the name Docker will use; otherwise ECR's endpoint.
      const registry = ref.kind === 'uri' ? ref.host : hostOf(d.proxyEndpoint);
      slots[refs.indexOf(ref)] = {
        registry,
        ...decodeToken(d.authorizationToken, registry),
        expiresAt: d.expiresAt,
        region,
      };
    }
  });
  await Promise.all(calls);
  const seen = new Set<string>();
  return slots.filter((c) => !seen.has(c.registry) && seen.add(c.registry));
}
