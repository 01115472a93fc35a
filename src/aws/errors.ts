/**
 * The one AWS error explainer. Every SDK client made by the factory tags its errors with the IAM
 * action and region of the call, so the words here can name what to grant, where, and what to do next.
 */
import { errorMessage, UserError } from '../errors.js';

export interface CallContext {
  /** IAM action of the call, e.g. ecr:GetAuthorizationToken. */
  iamAction: string;
  region: string;
  /** Other IAM actions the same call needs (ECR Public also needs sts:GetServiceBearerToken). */
  alsoNeeds?: readonly string[];
}

const CONTEXT = Symbol.for('ecs-shipyard.aws-call');

export function tagError(error: unknown, context: CallContext): void {
  if (typeof error === 'object' && error !== null) {
    Object.defineProperty(error, CONTEXT, { value: context, enumerable: false, configurable: true });
  }
}

/** The IAM action and region a client made by the factory tagged the error with, if it did. */
function callContextOf(error: unknown): CallContext | undefined {
  return typeof error === 'object' && error !== null
    ? (error as { [CONTEXT]?: CallContext })[CONTEXT]
    : undefined;
}

/**
 * A diagnostic read that failed, as one line: what could not be read, and the IAM action that would
 * show it when it was denied. It never stands in for the reason the step failed.
 */
export function unreadable(what: string, error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const action = callContextOf(error)?.iamAction;
  const said = (e.message ?? String(error)).trim();
  if (ACCESS_DENIED.has(e.name ?? '') || /not authorized to perform/i.test(said))
    return `(could not read ${what}: AWS denied ${action ?? 'the call'}; grant it to see ${what} here)`;
  if (THROTTLING.has(e.name ?? '') || e.$retryable?.throttling)
    return `(could not read ${what}: AWS kept throttling ${action ?? 'the call'})`;
  return `(could not read ${what}: ${e.name ? `${e.name}: ` : ''}${said})`;
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  $retryable?: { throttling?: boolean };
  /** The raw response (hidden on the error by the SDK) and, for some protocols, its body as text. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  $responseBodyText?: string;
  [CONTEXT]?: CallContext;
}

/** The SDK's note on an answer it could not read: meant for its own developers, not for a user. */
const SDK_HINT =
  /\s*Deserialization error: to see the raw response, inspect the hidden field \{error\}\.\$response on this object\.?/;

/** An answer that is not an AWS error document: an HTML page, plain text, a cut-off body. */
function notAwsAnswer(e: SdkErrorShape): boolean {
  return (
    SDK_HINT.test(e.message ?? '') ||
    (e.name === 'SyntaxError' && e.$metadata !== undefined) ||
    e.$responseBodyText !== undefined
  );
}

/** Server errors that come and go (an overloaded or restarting service), as opposed to 501 and its kin. */
const PASSING_STATUS = new Set([500, 502, 503, 504]);

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnauthorizedException',
]);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'InvalidAccessKeyId',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const CREDENTIALS_HELP =
  'Configure credentials before this step, for example with aws-actions/configure-aws-credentials using OIDC ' +
  '(role-to-assume, and `permissions: id-token: write` on the job), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from secrets.';

function attemptsText(e: SdkErrorShape): string {
  const attempts = e.$metadata?.attempts;
  if (!attempts || attempts <= 1) return '';
  const waited = e.$metadata?.totalRetryDelay
    ? ` over ${(e.$metadata.totalRetryDelay / 1000).toFixed(1)}s of back-off`
    : '';
  return ` after ${attempts} attempts${waited}`;
}

function requestIdText(e: SdkErrorShape): string {
  return e.$metadata?.requestId ? ` (request ID ${e.$metadata.requestId})` : '';
}

/** An error that says nothing about the request itself: throttling, a server error, the network, a timeout. */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  return (
    THROTTLING.has(e.name ?? '') ||
    e.$retryable !== undefined ||
    e.$fault === 'server' ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
    (e.code !== undefined && NETWORK_CODES.has(e.code)) ||
    e.name === 'TimeoutError'
  );
}

/** Words a user can act on for an AWS SDK error; undefined when `error` is not one. */
export function explainAwsError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  const ctx = e[CONTEXT];
  const name = e.name ?? '';
  const said = (e.message ?? '').replace(SDK_HINT, '').trim();
  const call = ctx ? `${ctx.iamAction} in ${ctx.region}` : 'the AWS call';

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(said)) {
    return `No AWS credentials were found for ${call}. ${CREDENTIALS_HELP}`;
  }
  if (!ctx && !e.$metadata) return undefined;

  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(said)) {
    const needed = ctx ? [ctx.iamAction, ...(ctx.alsoNeeds ?? [])] : [];
    const grant = needed.length
      ? `Grant ${needed.map((a) => `'${a}'`).join(' and ')} to the role or user this workflow uses`
      : 'Grant the missing IAM action to the role or user this workflow uses';
    const scp = /explicit deny|service control policy|permissions boundary/i.test(said)
      ? ' An explicit deny (a policy, a permissions boundary or an organization SCP) wins over any allow: find and change that deny.'
      : '';
    return `AWS denied ${call}: the credentials in use are not allowed to do this. ${grant}; the action's docs list the least-privilege policy.${scp} AWS said: ${said}`;
  }
  if (EXPIRED.has(name)) {
    return `The AWS credentials used for ${call} have expired. Refresh them before this step (a longer role-duration-seconds in aws-actions/configure-aws-credentials, or re-run that step). AWS said: ${said}`;
  }
  if (BAD_CREDENTIALS.has(name)) {
    return `AWS did not accept the credentials used for ${call} (${name}): they are wrong, for another partition, or incomplete. ${CREDENTIALS_HELP} AWS said: ${said}`;
  }
  if (THROTTLING.has(name) || e.$retryable?.throttling) {
    return `AWS kept throttling ${call}${attemptsText(e)}; the step retried with back-off and then stopped. Other jobs in this account may be calling the same API: spread them out, or raise the AWS_MAX_ATTEMPTS environment variable. AWS said: ${said}${requestIdText(e)}`;
  }
  if (e.code && NETWORK_CODES.has(e.code)) {
    return `Could not reach AWS for ${call}${attemptsText(e)}: ${e.code} (${said}). Check the runner's network, the proxy settings (HTTPS_PROXY, NO_PROXY) and any VPC endpoint for this service in ${ctx?.region ?? 'the region'}.`;
  }
  if (name === 'TimeoutError' || /timed? ?out/i.test(name)) {
    return `AWS did not answer ${call} in time${attemptsText(e)}: ${said}. Check the runner's network and proxy settings; re-run the job if it was a passing outage.`;
  }
  if (/NotFound/.test(name) || /does not exist|not found/i.test(said)) {
    return `${ctx ? ctx.iamAction : 'The AWS call'} found nothing in ${ctx?.region ?? 'this region'}: ${said}. Check the name or ID, the account, and the region (set with the 'region' input or AWS_REGION).`;
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (notAwsAnswer(e)) {
    const type = e.$response?.headers?.['content-type']?.split(';')[0]?.trim();
    const title = /<title>\s*([^<]{1,120}?)\s*<\/title>/i.exec(e.$responseBodyText ?? '')?.[1];
    const what = `${call} was answered with HTTP ${status ?? '(no status)'}${type ? ` and a ${type} body` : ''}${title ? ` ("${title}")` : ''}, which is not an answer from AWS${attemptsText(e)}`;
    if (status !== undefined && PASSING_STATUS.has(status)) {
      return `${what}: a proxy or load balancer between the runner and AWS answered instead, or the service is having an outage. Re-run the job if it passes; if it stays, check HTTPS_PROXY and NO_PROXY, any VPC endpoint for this service, and AWS_ENDPOINT_URL settings.`;
    }
    return `${what}: whatever answered does not speak this service's API — check AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>), HTTPS_PROXY and NO_PROXY, and that the service is offered in ${ctx?.region ?? 'the region'}.`;
  }
  if (e.$fault === 'server' || (status ?? 0) >= 500) {
    const passing = status === undefined || PASSING_STATUS.has(status);
    return `AWS answered ${call} with a server error (HTTP ${status ?? '5xx'}, ${name})${attemptsText(e)}. ${passing ? 'This is usually passing: re-run the job.' : 'This does not pass by itself: the service does not do this here (check the region and the endpoint).'} AWS said: ${said}${requestIdText(e)}`;
  }
  if (/Validation|InvalidParameter/.test(name)) {
    return `AWS rejected the request for ${call} as invalid (${name}): ${said}${requestIdText(e)}`;
  }
  return `${call} failed with ${name || 'an error'}: ${said}${requestIdText(e)}`;
}

/** Missing, wrong or expired credentials: nothing else will work either. */
export function isCredentialsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  const name = e.name ?? '';
  return (
    name === 'CredentialsProviderError' ||
    BAD_CREDENTIALS.has(name) ||
    EXPIRED.has(name) ||
    /Could not load credentials/i.test(e.message ?? '')
  );
}

/**
 * A read that could not be made for a reason that says nothing about what was read — denied, throttled
 * past the retries, not offered here, or unreachable — as the IAM action and a few words; undefined for
 * any other error (a resource that does not exist, bad credentials), which the caller judges itself.
 */
export function blockedRead(error: unknown): { action: string; why: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorShape;
  const action = e[CONTEXT]?.iamAction ?? 'the call';
  const name = e.name ?? '';
  const said = (e.message ?? '').replace(SDK_HINT, '').trim();
  if (
    ACCESS_DENIED.has(name) ||
    /not authorized to perform/i.test(said) ||
    e.$metadata?.httpStatusCode === 403
  )
    return { action, why: `AWS denied ${action}` };
  if (THROTTLING.has(name) || e.$retryable?.throttling)
    return { action, why: `AWS kept throttling ${action}${attemptsText(e)}` };
  if (/UnknownOperation|InvalidAction|UnsupportedOperation|UnsupportedFeature/.test(name))
    return { action, why: `${action} is not offered here (${name})` };
  if (isTransient(error) || notAwsAnswer(e))
    return { action, why: `${action} could not be read: ${explainAwsError(error) ?? said}` };
  return undefined;
}

/** The message for the step's one top-level catch: user errors as they are, AWS errors explained. */
export function explainError(error: unknown): string {
  if (error instanceof UserError) return error.message;
  const explained = explainAwsError(error);
  if (explained) return explained;
  const message = errorMessage(error);
  return error instanceof Error && error.name !== 'Error' ? `${error.name}: ${message}` : message;
}
