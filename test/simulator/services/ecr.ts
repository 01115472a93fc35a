/** Amazon ECR and ECR Public, as far as ecs-shipyard calls them. Shapes follow the 2015-09-21 / 2020-10-30 models. */
import { randomBytes } from 'node:crypto';
import { AwsError, invalidParameter, notFound } from '../errors.js';
import { DEFAULT_ACCOUNT, type EcrRepositorySeed } from '../scenario.js';
import type { JsonService, RequestContext, Simulator } from '../server.js';
import { bool, int, list, str, struct } from '../shapes.js';

const REGISTRY_ID = str({ pattern: '[0-9]{12}' });
const REPOSITORY_NAME = str({
  min: 2,
  max: 256,
  pattern: '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*',
});

interface Repository {
  account: string;
  region: string;
  name: string;
  imageTagMutability: string;
  scanOnPush: boolean;
  exclusions: string[];
  encryptionType: string;
  kmsKey?: string;
  createdAt: number;
}

export interface EcrState {
  repositories: Repository[];
  /** `${account}/${region}` → the password GetAuthorizationToken hands out there. */
  passwords: Map<string, string>;
}

export function ecrState(sim: Simulator): EcrState {
  let state = sim.state.get('ecr') as EcrState | undefined;
  if (!state) {
    const seeds: EcrRepositorySeed[] = sim.scenario.ecr?.repositories ?? [];
    state = {
      repositories: seeds.map((s) => ({
        account: s.account ?? sim.scenario.account ?? DEFAULT_ACCOUNT,
        region: s.region ?? 'us-east-1',
        name: s.name,
        imageTagMutability: s.imageTagMutability ?? 'MUTABLE',
        scanOnPush: s.scanOnPush ?? false,
        exclusions: s.mutableTags ?? [],
        encryptionType: 'AES256',
        createdAt: s.createdAt ? Date.parse(s.createdAt) : sim.now(),
      })),
      passwords: new Map(),
    };
    sim.state.set('ecr', state);
  }
  return state;
}

/** The password for a registry: the scenario's, or one made up once and kept (tests read it from here). */
export function registryPassword(sim: Simulator, account: string, region: string): string {
  const state = ecrState(sim);
  const key = `${account}/${region}`;
  let password = sim.scenario.ecr?.registries?.[account]?.password ?? state.passwords.get(key);
  if (!password) {
    // 48 random bytes: shorter than bcrypt's 72-byte limit, so htpasswd checks every character.
    password = randomBytes(36).toString('base64');
    state.passwords.set(key, password);
  }
  return password;
}

export function registryEndpoint(sim: Simulator, account: string, region: string): string {
  return (
    sim.scenario.ecr?.registries?.[account]?.endpoint ?? `https://${account}.dkr.ecr.${region}.amazonaws.com`
  );
}

function token(password: string): string {
  return Buffer.from(`AWS:${password}`).toString('base64');
}

function expiry(ctx: RequestContext): number {
  return (ctx.now + (ctx.sim.scenario.ecr?.tokenLifetimeSeconds ?? 12 * 3600) * 1000) / 1000;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw invalidParameter(
    "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'",
  );
}

const registryHost = (sim: Simulator, account: string, region: string) =>
  registryEndpoint(sim, account, region).replace(/^https?:\/\//, '');

function describeRepository(r: Repository, host: string) {
  return {
    repositoryArn: `arn:aws:ecr:${r.region}:${r.account}:repository/${r.name}`,
    registryId: r.account,
    repositoryName: r.name,
    repositoryUri: `${host}/${r.name}`,
    createdAt: r.createdAt / 1000,
    imageTagMutability: r.imageTagMutability,
    ...(r.exclusions.length
      ? {
          imageTagMutabilityExclusionFilters: r.exclusions.map((filter) => ({
            filterType: 'WILDCARD',
            filter,
          })),
        }
      : {}),
    imageScanningConfiguration: { scanOnPush: r.scanOnPush },
    encryptionConfiguration: { encryptionType: r.encryptionType, ...(r.kmsKey ? { kmsKey: r.kmsKey } : {}) },
  };
}

export const ecrService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ecr',
  iamPrefix: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  operations: {
    GetAuthorizationToken: {
      input: struct({ registryIds: list(REGISTRY_ID, { min: 1, max: 10 }) }),
      handler(input, ctx) {
        const ids = (input['registryIds'] as string[] | undefined) ?? [ctx.account];
        return {
          authorizationData: ids.map((id) => ({
            authorizationToken: token(registryPassword(ctx.sim, id, ctx.region)),
            expiresAt: expiry(ctx),
            proxyEndpoint: registryEndpoint(ctx.sim, id, ctx.region),
          })),
        };
      },
    },
    DescribeRepositories: {
      input: struct({
        registryId: REGISTRY_ID,
        repositoryNames: list(REPOSITORY_NAME, { min: 1, max: 100 }),
        nextToken: str(),
        maxResults: int({ min: 1, max: 1000 }),
      }),
      handler(input, ctx) {
        const registryId = (input['registryId'] as string | undefined) ?? ctx.account;
        const names = input['repositoryNames'] as string[] | undefined;
        if (names && input['maxResults'] !== undefined) {
          throw invalidParameter('Cannot specify maxResults and repositoryNames together');
        }
        const all = ecrState(ctx.sim).repositories.filter(
          (r) => r.account === registryId && r.region === ctx.region,
        );
        let selected = all;
        if (names) {
          for (const name of names) {
            if (!all.some((r) => r.name === name)) {
              throw notFound(
                'RepositoryNotFoundException',
                `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
              );
            }
          }
          selected = all.filter((r) => names.includes(r.name));
        }
        const offset = input['nextToken'] ? decodeToken(input['nextToken'] as string) : 0;
        const max = (input['maxResults'] as number | undefined) ?? 100;
        const page = selected.slice(offset, offset + max);
        const host = registryHost(ctx.sim, registryId, ctx.region);
        return {
          repositories: page.map((r) => describeRepository(r, host)),
          ...(offset + max < selected.length ? { nextToken: encodeToken(offset + max) } : {}),
        };
      },
    },
    CreateRepository: {
      input: struct(
        {
          registryId: REGISTRY_ID,
          repositoryName: REPOSITORY_NAME,
          imageTagMutability: str({
            enum: ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'],
          }),
          imageTagMutabilityExclusionFilters: list(
            struct(
              {
                filterType: str({ enum: ['WILDCARD'] }),
                filter: str({ min: 1, max: 128, pattern: '[a-zA-Z0-9._*-]+' }),
              },
              ['filterType', 'filter'],
            ),
            { min: 1, max: 5 },
          ),
          imageScanningConfiguration: struct({ scanOnPush: bool }),
          encryptionConfiguration: struct(
            {
              encryptionType: str({ enum: ['AES256', 'KMS', 'KMS_DSSE'] }),
              kmsKey: str({ min: 1, max: 2048 }),
            },
            ['encryptionType'],
          ),
          tags: list(struct({ Key: str(), Value: str() })),
        },
        ['repositoryName'],
      ),
      handler(input, ctx) {
        const account = (input['registryId'] as string | undefined) ?? ctx.account;
        if (account !== ctx.account) {
          throw new AwsError(
            'InvalidParameterException',
            `Invalid parameter at 'registryId': a repository can only be created in the caller's own registry (${ctx.account})`,
          );
        }
        const name = input['repositoryName'] as string;
        const state = ecrState(ctx.sim);
        if (
          state.repositories.some((r) => r.account === account && r.region === ctx.region && r.name === name)
        ) {
          throw new AwsError(
            'RepositoryAlreadyExistsException',
            `The repository with name '${name}' already exists in the registry with id '${account}'`,
          );
        }
        const mutability = (input['imageTagMutability'] as string | undefined) ?? 'MUTABLE';
        const filters =
          (input['imageTagMutabilityExclusionFilters'] as { filter: string }[] | undefined) ?? [];
        if (mutability.endsWith('_WITH_EXCLUSION') !== filters.length > 0) {
          throw invalidParameter(
            'Invalid parameter: imageTagMutabilityExclusionFilters must be given with, and only with, a *_WITH_EXCLUSION imageTagMutability',
          );
        }
        const encryption = input['encryptionConfiguration'] as
          { encryptionType: string; kmsKey?: string } | undefined;
        const scanning = input['imageScanningConfiguration'] as { scanOnPush?: boolean } | undefined;
        const repository: Repository = {
          account,
          region: ctx.region,
          name,
          imageTagMutability: mutability,
          exclusions: filters.map((f) => f.filter),
          scanOnPush: scanning?.scanOnPush ?? false,
          encryptionType: encryption?.encryptionType ?? 'AES256',
          ...(encryption?.kmsKey ? { kmsKey: encryption.kmsKey } : {}),
          createdAt: ctx.sim.now(),
        };
        state.repositories.push(repository);
        return { repository: describeRepository(repository, registryHost(ctx.sim, account, ctx.region)) };
      },
    },
  },
};

export const ecrPublicService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'ecr-public',
  iamPrefix: 'ecr-public',
  targetPrefix: 'SpencerFrontendService',
  operations: {
    GetAuthorizationToken: {
      iamActions: ['ecr-public:GetAuthorizationToken', 'sts:GetServiceBearerToken'],
      input: struct({}),
      handler(_input, ctx) {
        // AWS has no ECR Public endpoint outside us-east-1 (clients elsewhere fail to resolve it).
        if (ctx.region !== 'us-east-1') {
          throw new AwsError(
            'UnsupportedCommandException',
            `ECR Public authorization is not available in ${ctx.region}`,
          );
        }
        return {
          authorizationData: {
            authorizationToken: token(registryPassword(ctx.sim, 'public', 'us-east-1')),
            expiresAt: expiry(ctx),
          },
        };
      },
    },
  },
};
