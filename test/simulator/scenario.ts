/** Scenario files: the simulator's starting state, its callers, and its faults. */
import { readFileSync } from 'node:fs';

export interface Principal {
  /** Account the caller belongs to. */
  account?: string;
  /** ARN shown in AccessDenied messages. */
  arn?: string;
  /** IAM actions this caller is refused, e.g. ecr:GetAuthorizationToken; '*' refuses all. */
  deny?: string[];
  /** Every call answers ExpiredTokenException. */
  expired?: boolean;
  /** Every call answers UnrecognizedClientException. */
  unknown?: boolean;
}

export interface Fault {
  /** Service name (ecr, ecr-public, ...) or '*'. */
  service?: string;
  /** Operation name, or '*'. */
  operation: string;
  /** throttle: ThrottlingException; error: a given type and status; drop: close the connection; latency: delay. */
  kind: 'throttle' | 'error' | 'drop' | 'latency';
  /** Apply to the first N matching calls (after `after` calls); default every call. */
  count?: number;
  after?: number;
  ms?: number;
  status?: number;
  type?: string;
  message?: string;
}

export interface EcrRepositorySeed {
  name: string;
  account?: string;
  region?: string;
  imageTagMutability?: string;
  scanOnPush?: boolean;
  createdAt?: string;
}

export interface Scenario {
  /** The account of callers not listed in principals. */
  account?: string;
  /** Access key ID → who that caller is. */
  principals?: Record<string, Principal>;
  ecr?: {
    /** Account ID → registry settings: the endpoint GetAuthorizationToken reports, a fixed password. */
    registries?: Record<string, { endpoint?: string; password?: string }>;
    repositories?: EcrRepositorySeed[];
    /** Token lifetime in seconds (AWS: 12 hours). */
    tokenLifetimeSeconds?: number;
  };
  faults?: Fault[];
}

export const DEFAULT_ACCOUNT = '111122223333';

export function loadScenario(path: string): Scenario {
  return JSON.parse(readFileSync(path, 'utf8')) as Scenario;
}
