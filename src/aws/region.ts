/**
 * The step's AWS region (input, then AWS_REGION, then AWS_DEFAULT_REGION), apart from the client factory
 * so that a plan can resolve it without loading the SDK.
 */
import { UserError } from '../errors.js';
import { isRegion } from './identifiers.js';

type Env = Readonly<Record<string, string | undefined>>;

export function resolveRegion(input: string | undefined, env: Env): string {
  if (input) return input;
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!isRegion(value)) {
      throw new UserError(
        `The environment variable ${name} is "${value}", which is not an AWS region code such as us-east-1.`,
      );
    }
    return value;
  }
  throw new UserError(
    "No AWS region is set: give the 'region' input, or set AWS_REGION (aws-actions/configure-aws-credentials sets it from its aws-region input).",
  );
}
