/**
 * The one AWS client factory: region (input, then AWS_REGION, then AWS_DEFAULT_REGION), retries,
 * proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, the ecs-shipyard user agent, and error tagging.
 * Endpoints are left to the SDK's own settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
 */
import { VERSION } from '../version.js';
import { type CallContext, tagError } from './errors.js';
import { proxyRequestHandler } from './proxy.js';

export type Env = Readonly<Record<string, string | undefined>>;

export { resolveRegion } from './region.js';

const DEFAULT_MAX_ATTEMPTS = 5;

export interface ClientOptions {
  region: string;
  /** The action's name, sent in the user agent. */
  action: string;
  env: Env;
  maxAttempts?: number;
  /** Settings of this one client beyond the toolkit's (S3's followRegionRedirects). */
  config?: Record<string, unknown>;
}

/** IAM prefix of each SDK client the toolkit uses, to name IAM actions in errors. */
const IAM_PREFIX: Record<string, string> = {
  ECRClient: 'ecr',
  ECRPUBLICClient: 'ecr-public',
  ECSClient: 'ecs',
  ImagebuilderClient: 'imagebuilder',
  SSMClient: 'ssm',
  AutoScalingClient: 'autoscaling',
  EC2Client: 'ec2',
  CloudWatchLogsClient: 'logs',
  IAMClient: 'iam',
  SecretsManagerClient: 'secretsmanager',
  ElasticLoadBalancingV2Client: 'elasticloadbalancing',
  EFSClient: 'elasticfilesystem',
  S3Client: 's3',
};
/** Calls IAM authorizes as another action than their own name. */
const AUTHORIZED_AS: Record<string, string> = { 's3:HeadObject': 's3:GetObject' };
const ALSO_NEEDS: Record<string, readonly string[]> = {
  'ecr-public:GetAuthorizationToken': ['sts:GetServiceBearerToken'],
};

interface MiddlewareStack {
  // Narrowed to what the factory adds; each SDK client's own stack type is far wider.
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

function clientConfig(options: ClientOptions) {
  const fromEnv = Number.parseInt(options.env['AWS_MAX_ATTEMPTS'] ?? '', 10);
  const maxAttempts =
    options.maxAttempts ?? (Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : DEFAULT_MAX_ATTEMPTS);
  const requestHandler = proxyRequestHandler(options.env);
  return {
    region: options.region,
    maxAttempts,
    retryMode: options.env['AWS_RETRY_MODE'] === 'adaptive' ? 'adaptive' : 'standard',
    customUserAgent: `ecs-shipyard/${VERSION} ${options.action}`,
    ...(requestHandler ? { requestHandler } : {}),
    ...options.config,
  };
}

/** Makes an SDK client with the toolkit's settings; its errors carry the IAM action and region. */
export function createClient<C extends { middlewareStack: object }, Config>(
  Client: new (...args: [] | [Config]) => C,
  options: ClientOptions,
): C {
  const client = new Client(clientConfig(options) as Config);
  (client as unknown as MiddlewareStack).middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const prefix =
          IAM_PREFIX[context.clientName ?? ''] ??
          (context.clientName ?? 'aws').replace(/Client$/, '').toLowerCase();
        const called = `${prefix}:${(context.commandName ?? '').replace(/Command$/, '')}`;
        const iamAction = AUTHORIZED_AS[called] ?? called;
        const callContext: CallContext = { iamAction, region: options.region };
        const also = ALSO_NEEDS[iamAction];
        if (also) callContext.alsoNeeds = also;
        tagError(error, callContext);
        throw error;
      }
    },
    { step: 'initialize', name: 'ecsShipyardErrorContext' },
  );
  return client;
}
