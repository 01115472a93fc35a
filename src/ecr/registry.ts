/** Registry references as users write them: an account ID, or a registry URI (any region). */
import { accountIdProblem, isRegion } from '../aws/identifiers.js';
import type { Problem } from '../errors.js';

export const PUBLIC_REGISTRY = 'public.ecr.aws';

/** ECR Public's authorization endpoint exists only in us-east-1. */
export const ECR_PUBLIC_REGION = 'us-east-1';

export type RegistryRef =
  | { kind: 'account'; accountId: string }
  | { kind: 'public' }
  | { kind: 'uri'; accountId: string; region: string; host: string };

// <account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn] and the dual-stack <account>.dkr-ecr[-fips].<region>.on.aws
const URI =
  /^(\d{12})\.(dkr\.ecr|dkr\.ecr-fips|dkr-ecr|dkr-ecr-fips)\.([a-z0-9-]+)\.(amazonaws\.com|amazonaws\.com\.cn|on\.aws)$/;

export const REGISTRY_ACCEPTED =
  'AWS account IDs (123456789012) or ECR registry URIs (123456789012.dkr.ecr.eu-west-1.amazonaws.com)';

export type PrivateRegistryRef = Exclude<RegistryRef, { kind: 'public' }>;

export function parseRegistryRef(item: string): RegistryRef | Problem {
  if (/^\d+$/.test(item)) {
    const problem = accountIdProblem(item);
    return problem ? { problem } : { kind: 'account', accountId: item };
  }
  const bare = item.replace(/^https:\/\//i, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  if (slash >= 0) {
    return {
      problem: `give the registry, not a repository: use "${bare.slice(0, slash)}" (without "${bare.slice(slash)}")`,
    };
  }
  const host = bare.toLowerCase();
  if (host === PUBLIC_REGISTRY) return { kind: 'public' };
  const m = URI.exec(host);
  if (!m || !isRegion(m[3]!)) return { problem: `expected ${REGISTRY_ACCEPTED}` };
  return { kind: 'uri', accountId: m[1]!, region: m[3]!, host };
}

/** The name the official action gives per-registry outputs: docker_password_<this>. */
export function outputSuffix(registry: string): string {
  return registry.replace(/[^a-zA-Z0-9_]+/g, '_');
}

/** Groups references by the region to ask: account IDs in the step's region, URIs in their own. */
export function planRegions(
  refs: readonly PrivateRegistryRef[],
  stepRegion: string,
): Map<string, PrivateRegistryRef[]> {
  const plan = new Map<string, PrivateRegistryRef[]>();
  for (const ref of refs) {
    const region = ref.kind === 'uri' ? ref.region : stepRegion;
    plan.set(region, [...(plan.get(region) ?? []), ref]);
  }
  return plan;
}
