// Narrow unit tests of the explainer on error shapes the SDK produces; the end-to-end tests get the same
// errors from the simulator through the real clients.
import { describe, expect, test } from '@jest/globals';
import { explainAwsError, explainError, tagError } from '../../src/aws/errors.js';
import { UserError } from '../../src/errors.js';

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}) {
  const e = Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1 },
    ...extra,
  });
  tagError(e, { iamAction: 'ecs:UpdateService', region: 'eu-west-1' });
  return e;
}

describe('explainAwsError', () => {
  test('AccessDenied names the action and region; an explicit deny is called out', () => {
    const text = explainAwsError(
      sdkError(
        'AccessDeniedException',
        'User: x is not authorized to perform: ecs:UpdateService with an explicit deny in a service control policy',
      ),
    );
    expect(text).toMatch(/^AWS denied ecs:UpdateService in eu-west-1/);
    expect(text).toContain("Grant 'ecs:UpdateService'");
    expect(text).toContain('An explicit deny');
  });
  test('throttling says how many attempts and how long', () => {
    const e = sdkError('ThrottlingException', 'Rate exceeded', {
      $metadata: { httpStatusCode: 400, attempts: 5, totalRetryDelay: 3400 },
    });
    expect(explainAwsError(e)).toMatch(
      /kept throttling ecs:UpdateService in eu-west-1 after 5 attempts over 3.4s of back-off/,
    );
  });
  test('not found names the region to check', () => {
    expect(explainAwsError(sdkError('ServiceNotFoundException', 'Service not found.'))).toMatch(
      /ecs:UpdateService found nothing in eu-west-1: Service not found\..*Check the name or ID, the account, and the region/,
    );
  });
  test('network errors point at proxy and endpoints', () => {
    const e = sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:1', {
      code: 'ECONNREFUSED',
      $metadata: { attempts: 3 },
    });
    expect(explainAwsError(e)).toMatch(
      /Could not reach AWS for ecs:UpdateService in eu-west-1 after 3 attempts: ECONNREFUSED/,
    );
  });
  test('bad credentials and expired credentials differ', () => {
    expect(explainAwsError(sdkError('UnrecognizedClientException', 'bad'))).toMatch(
      /did not accept the credentials/,
    );
    expect(explainAwsError(sdkError('ExpiredTokenException', 'expired'))).toMatch(/have expired/);
  });
  test('validation errors pass AWS words through', () => {
    expect(
      explainAwsError(
        sdkError('InvalidParameterException', 'Task definition does not support launch_type FARGATE.'),
      ),
    ).toContain(
      'AWS rejected the request for ecs:UpdateService in eu-west-1 as invalid (InvalidParameterException): Task definition does not support',
    );
  });
  test('not an AWS error', () => {
    expect(explainAwsError(new Error('plain'))).toBeUndefined();
    expect(explainAwsError('text')).toBeUndefined();
  });
});

describe('explainError', () => {
  test('user errors are passed as they are', () =>
    expect(explainError(new UserError('Input x is bad.'))).toBe('Input x is bad.'));
  test('other errors keep their type name', () =>
    expect(explainError(new TypeError('boom'))).toBe('TypeError: boom'));
  test('non-errors', () => expect(explainError({ a: 1 })).toBe('{"a":1}'));
});
