/**
 * ecr-login's plan: every check across its inputs and every value derived from them and the environment,
 * before any AWS call — private or public, the region each registry is asked in (a URI's own, else the
 * step's), the docker command a docker login needs, the Docker config file. No SDK client is loaded here.
 */
import { resolveRegion } from '../aws/region.js';
import { UserError } from '../errors.js';
import { findOnPath } from '../exec.js';
import type { Logger } from '../log.js';
import { dockerConfigPath } from './docker-config.js';
import {
  ECR_PUBLIC_REGION,
  type PrivateRegistryRef,
  PUBLIC_REGISTRY,
  planRegions,
  type RegistryRef,
} from './registry.js';

type Env = Readonly<Record<string, string | undefined>>;

export type LoginMode = 'docker' | 'config-file';

/** The inputs ecr-login reads (the shell's spec produces exactly this). */
export interface EcrLoginSettings {
  registries: RegistryRef[];
  'registry-type': 'private' | 'public';
  region: string | undefined;
  'login-mode': 'auto' | LoginMode;
  'mask-password': boolean;
  'skip-logout': boolean;
}

export interface EcrLoginPlan {
  registryType: 'private' | 'public';
  /** The private registries given, in order; none: the default registry of the caller's account. */
  registries: PrivateRegistryRef[];
  /** Where account IDs (and the default registry) are asked; for ECR Public, us-east-1. */
  region: string;
  /** Each region asked, with the registries asked there (empty: the default registry). */
  requests: Map<string, PrivateRegistryRef[]>;
  mode: 'auto' | LoginMode;
  /** The docker command, unless the mode is config-file or (in auto mode) there is none on PATH. */
  docker: string | undefined;
  /** The Docker config file a config-file login writes. */
  configPath: string;
  mask: boolean;
  /** skip-logout: the post step leaves the logins in place. */
  keepLogins: boolean;
}

export type FindDocker = (env: Env) => Promise<string | undefined>;

const dockerOnPath: FindDocker = (env) => findOnPath('docker', env);

function privateRegistries(type: 'private' | 'public', refs: readonly RegistryRef[]): PrivateRegistryRef[] {
  const publicRefs = refs.filter((r) => r.kind === 'public');
  const privateRefs = refs.filter((r): r is PrivateRegistryRef => r.kind !== 'public');
  if (type === 'public' && privateRefs.length > 0) {
    const names = privateRefs.map((r) => (r.kind === 'uri' ? r.host : r.accountId)).join(', ');
    throw new UserError(
      `Input 'registry-type' is public, which logs in to ${PUBLIC_REGISTRY} only, but input 'registries' lists private registries (${names}). Remove them, or log in to them in another step with registry-type: private.`,
    );
  }
  if (type === 'private' && publicRefs.length > 0) {
    throw new UserError(
      `Input 'registries' lists ${PUBLIC_REGISTRY}, which is ECR Public: set registry-type: public in a step of its own.`,
    );
  }
  return privateRefs;
}

/** The plan; throws UserError for what the user must fix. Reads PATH (through findDocker) and nothing else. */
export async function planEcrLogin(
  settings: EcrLoginSettings,
  env: Env,
  log: Logger,
  findDocker: FindDocker = dockerOnPath,
): Promise<EcrLoginPlan> {
  const type = settings['registry-type'];
  const registries = privateRegistries(type, settings.registries);
  let region: string;
  if (type === 'public') {
    region = ECR_PUBLIC_REGION;
    if (settings.region && settings.region !== ECR_PUBLIC_REGION) {
      log.info(
        `ECR Public hands out tokens only in ${ECR_PUBLIC_REGION}; asking there (input 'region' is ${settings.region}).`,
      );
    }
  } else {
    region = resolveRegion(settings.region, env);
  }
  const requests =
    type === 'public' || registries.length === 0 ? new Map([[region, []]]) : planRegions(registries, region);

  const mode = settings['login-mode'];
  const docker = mode === 'config-file' ? undefined : await findDocker(env);
  if (!docker && mode === 'docker') {
    throw new UserError(
      "Input 'login-mode' is docker, but no docker command is on PATH. Use login-mode: config-file or auto.",
    );
  }
  return {
    registryType: type,
    registries,
    region,
    requests,
    mode,
    docker,
    configPath: dockerConfigPath(env),
    mask: settings['mask-password'],
    keepLogins: settings['skip-logout'],
  };
}
