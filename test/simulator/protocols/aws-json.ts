/**
 * awsJson1_1 (ECS, ECR, ECR Public, CloudWatch Logs, CodeDeploy, SSM): `POST /` with
 * `X-Amz-Target: <targetPrefix>.<Operation>`, a JSON body in and out, errors as `{ __type, message }`.
 */
import { AwsError } from '../errors.js';
import type { Operation } from '../server.js';
import { checkJson, jsonAnswer, jsonError, parseJsonBody } from './json.js';
import type { Protocol, Service, WireRequest } from './protocol.js';

export interface JsonService {
  protocol: 'awsJson1_1';
  name: string;
  iamPrefix: string;
  /** The X-Amz-Target prefix, e.g. `AmazonEC2ContainerServiceV20141113`. */
  targetPrefix: string;
  operations: Record<string, Operation>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const target = (req: WireRequest) => String(req.headers['x-amz-target'] ?? '');

export const awsJson1_1: Protocol<JsonService> = {
  name: 'awsJson1_1',
  claims: (req) => target(req) !== '',
  route(req, services: readonly Service[]) {
    const t = target(req);
    const [prefix, name] = t.split('.');
    const service = services.find(
      (s): s is JsonService => s.protocol === 'awsJson1_1' && s.targetPrefix === prefix,
    );
    if (!service || !name) throw new AwsError('UnknownOperationException', `Unknown target ${t}`);
    const operation = service.operations[name];
    if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${name}`);
    return { service, name, operation };
  },
  parse: (req) => parseJsonBody(req.body),
  check: (routed, input) => checkJson(routed.operation.input, input),
  serialize: (_routed, output) => jsonAnswer(CONTENT_TYPE, 200, output),
  serializeError: (error) => jsonError(CONTENT_TYPE, error, true),
  throttled: (_service, message) => new AwsError('ThrottlingException', message, 400),
  denied: (_service, said) => new AwsError('AccessDeniedException', said),
};
