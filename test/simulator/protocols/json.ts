/** What the two JSON protocols share: reading a JSON body, ValidationException wording, JSON errors. */
import { AwsError } from '../errors.js';
import { check, SerializationError, type Shape, validationMessage } from '../shapes.js';
import type { WireResponse } from './protocol.js';

export function parseJsonBody(body: string): Record<string, unknown> {
  try {
    return body.trim() ? (JSON.parse(body) as Record<string, unknown>) : {};
  } catch {
    throw new AwsError('SerializationException', 'Request body is not valid JSON');
  }
}

/**
 * The JSON services' front end: ValidationException listing every problem, SerializationException for a
 * value of the wrong JSON type.
 */
export function checkJson(shape: Shape | undefined, input: Record<string, unknown>): AwsError | undefined {
  if (!shape) return undefined;
  let problems: string[];
  try {
    problems = check(shape, input);
  } catch (error) {
    if (error instanceof SerializationError) return new AwsError('SerializationException', error.message);
    throw error;
  }
  return problems.length > 0 ? new AwsError('ValidationException', validationMessage(problems)) : undefined;
}

export function jsonAnswer(contentType: string, status: number, payload: unknown): WireResponse {
  return { status, contentType, body: JSON.stringify(payload ?? {}) };
}

/** The error type goes in `x-amzn-errortype` (both JSON protocols); awsJson1_1 repeats it as `__type`. */
export function jsonError(contentType: string, error: AwsError, withType: boolean): WireResponse {
  const payload = withType ? { __type: error.type, message: error.message } : { message: error.message };
  return {
    status: error.status,
    contentType,
    headers: { 'x-amzn-errortype': `${error.type}:` },
    body: JSON.stringify(payload),
  };
}
