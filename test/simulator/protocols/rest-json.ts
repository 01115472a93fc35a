/**
 * restJson1 (Image Builder, EFS): one HTTP route per operation. The input is the path's labels
 * (`/tags/{resourceArn}`), the query string (numbers and booleans read by the operation's shape) and the
 * JSON body; errors are `{ message }` (EFS: `{ ErrorCode, Message }`) with the type in
 * `x-amzn-errortype`. Services on one endpoint are told apart by their SigV4 signing name.
 */
import { AwsError } from '../errors.js';
import type { Operation } from '../server.js';
import { checkJson, jsonAnswer, jsonError, parseJsonBody } from './json.js';
import type { Protocol, Routed, Service } from './protocol.js';
import { pathPattern, typedValue } from './http-binding.js';

export interface RestRoute extends Operation {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The path, with `{label}` (one segment) or `{label+}` (the rest) for members sent in the path. */
  path: string;
  operation: string;
}

export interface RestJsonService {
  protocol: 'restJson1';
  name: string;
  iamPrefix: string;
  /** SigV4 signing name, which tells services on the same endpoint apart. */
  signingName: string;
  routes: RestRoute[];
  /** The error body: `{ message }` (default), or `{ ErrorCode, Message }` as EFS writes it. */
  errorBody?: 'message' | 'ErrorCode';
  /** The error type of a request that breaks the shape (default ValidationException; EFS: BadRequest). */
  validationError?: string;
  /** How the service says "slow down" (default ThrottlingException, 400). */
  throttle?: { type: string; status: number };
}

const CONTENT_TYPE = 'application/json';

export const restJson1: Protocol<RestJsonService> = {
  name: 'restJson1',
  claims: () => true,
  route(req, services: readonly Service[]) {
    const candidates = services.filter(
      (s): s is RestJsonService =>
        s.protocol === 'restJson1' && (!req.signingName || s.signingName === req.signingName),
    );
    for (const service of candidates) {
      const route = service.routes.find(
        (r) => r.method === req.method && pathPattern(r.path).test(req.url.pathname),
      );
      if (route) return { service, name: route.operation, operation: route };
    }
    throw new AwsError('UnknownOperationException', `No operation at ${req.method} ${req.url.pathname}`, 404);
  },
  parse(req, routed: Routed<RestJsonService>) {
    const route = routed.operation as RestRoute;
    const fromBody = parseJsonBody(req.body);
    const fromQuery: Record<string, unknown> = {};
    for (const [k, v] of req.url.searchParams) fromQuery[k] = typedValue(route.input, k, v);
    const labels = pathPattern(route.path).exec(req.url.pathname)?.groups ?? {};
    const fromPath = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, decodeURIComponent(v)]));
    return { ...fromQuery, ...fromBody, ...fromPath };
  },
  check(routed, input) {
    const refused = checkJson(routed.operation.input, input);
    const type = routed.service.validationError;
    return refused && type && refused.type === 'ValidationException'
      ? new AwsError(type, refused.message, refused.status)
      : refused;
  },
  serialize: (_routed, output) => jsonAnswer(CONTENT_TYPE, 200, output),
  serializeError(error, service) {
    const answer = jsonError(CONTENT_TYPE, error, false);
    if (service?.errorBody !== 'ErrorCode') return answer;
    return { ...answer, body: JSON.stringify({ ErrorCode: error.type, Message: error.message }) };
  },
  throttled: (service, message) =>
    new AwsError(service.throttle?.type ?? 'ThrottlingException', message, service.throttle?.status ?? 400),
  denied: (_service, said) => new AwsError('AccessDeniedException', said),
};
