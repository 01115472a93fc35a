/**
 * restXml (Amazon S3), as far as the simulator serves it: one HTTP route per operation, path-style
 * (`HEAD /{Bucket}/{Key+}`: the SDK sends path-style requests to an IP-address endpoint by itself). The
 * input is the path's labels, query-string members and header members, named by the route's maps from the
 * model's `httpQuery` / `httpHeader` traits; output members bound to headers go out as headers (timestamps
 * in the HTTP date format), the rest in an XML body. Errors are S3's `<Error><Code>…</Code><Message>…`
 * with the request id in `x-amz-request-id`. An answer to HEAD carries no body — Node's HTTP server leaves
 * it off, as HTTP requires — so the SDK sees only the status: 404 becomes `NotFound`, other statuses
 * `Unknown` with `$metadata.httpStatusCode`, which is what it gets from S3 too.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { Operation } from '../server.js';
import { findProblems, problemText, SerializationError } from '../shapes.js';
import type { Protocol, Routed, Service, WireRequest, WireResponse } from './protocol.js';
import { pathPattern, typedValue } from './http-binding.js';

export interface RestXmlRoute extends Operation {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** The path, with `{label}` (one segment) or `{label+}` (the rest) for members sent in the path. */
  path: string;
  operation: string;
  /** Input members sent in the query string: member → query name (`PartNumber` → `partNumber`). */
  query?: Record<string, string>;
  /** Input members sent as headers: member → header name (`IfMatch` → `if-match`). */
  headers?: Record<string, string>;
  /** Output members answered as headers: member → header name; the others go in the XML body. */
  outputHeaders?: Record<string, string>;
}

export interface RestXmlService {
  protocol: 'restXml';
  name: string;
  iamPrefix: string;
  /** SigV4 signing name. */
  signingName: string;
  /** How this service says "slow down" (S3: SlowDown, 503). */
  throttle: { type: string; status: number };
  routes: RestXmlRoute[];
}

/**
 * An S3 error that carries headers of its own, e.g. the 301 for a bucket in another region
 * (`x-amz-bucket-region`), which is all a HEAD caller learns of it.
 */
export class AwsErrorWithHeaders extends AwsError {
  constructor(
    type: string,
    message: string,
    status: number,
    readonly headers: Record<string, string>,
  ) {
    super(type, message, status);
  }
}

const XML = 'application/xml';
const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  // S3 lists are flattened: one element per item, named for the member.
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escape(String(value as string | number | boolean))}</${name}>`;
}

function headerValue(value: unknown): string {
  if (value instanceof Date) return value.toUTCString();
  return String(value as string | number | boolean);
}

/** S3's second request id, opaque base64 (`x-amz-id-2`). */
const hostId = (requestId: string) => createHash('sha256').update(requestId).digest('base64');

const route = (req: WireRequest, services: readonly Service[]): Routed<RestXmlService> => {
  const candidates = services.filter(
    (s): s is RestXmlService => s.protocol === 'restXml' && s.signingName === req.signingName,
  );
  for (const service of candidates) {
    const found = service.routes.find(
      (r) => r.method === req.method && pathPattern(r.path).test(req.url.pathname),
    );
    if (found) return { service, name: found.operation, operation: found };
  }
  throw new AwsError(
    'NotImplemented',
    'A header you provided implies functionality that is not implemented',
    501,
  );
};

export const restXml: Protocol<RestXmlService> = {
  name: 'restXml',
  // S3 is the one restXml service here, and it signs as `s3`.
  claims: (req) => req.signingName === 's3',
  route,
  parse(req, routed) {
    const r = routed.operation as RestXmlRoute;
    const input: Record<string, unknown> = {};
    for (const [member, name] of Object.entries(r.query ?? {})) {
      const v = req.url.searchParams.get(name);
      if (v !== null) input[member] = typedValue(r.input, member, v);
    }
    for (const [member, name] of Object.entries(r.headers ?? {})) {
      const v = req.headers[name.toLowerCase()];
      if (typeof v === 'string') input[member] = typedValue(r.input, member, v);
    }
    const labels = pathPattern(r.path).exec(req.url.pathname)?.groups ?? {};
    for (const [k, v] of Object.entries(labels)) input[k] = decodeURIComponent(v);
    return input;
  },
  check(routed, input) {
    const shape = routed.operation.input;
    if (!shape) return undefined;
    try {
      const first = findProblems(shape, input)[0];
      return first ? new AwsError('InvalidArgument', problemText(first)) : undefined;
    } catch (error) {
      if (error instanceof SerializationError) return new AwsError('InvalidArgument', error.message);
      throw error;
    }
  },
  serialize(routed, output, requestId): WireResponse {
    const r = routed.operation as RestXmlRoute;
    const headers: Record<string, string> = {
      'x-amz-request-id': requestId,
      'x-amz-id-2': hostId(requestId),
    };
    const rest: Record<string, unknown> = {};
    for (const [member, value] of Object.entries((output ?? {}) as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      const header = r.outputHeaders?.[member];
      if (header) headers[header.toLowerCase()] = headerValue(value);
      else rest[member] = value;
    }
    const body =
      Object.keys(rest).length === 0
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<${routed.name}Result xmlns="${S3_XMLNS}">${Object.entries(
            rest,
          )
            .map(([k, v]) => element(k, v))
            .join('')}</${routed.name}Result>`;
    return { status: 200, contentType: XML, headers, body };
  },
  serializeError(error, _service, requestId): WireResponse {
    const extra = error instanceof AwsErrorWithHeaders ? error.headers : {};
    return {
      status: error.status,
      contentType: XML,
      headers: { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(requestId), ...extra },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escape(error.type)}</Code><Message>${escape(error.message)}</Message><RequestId>${requestId}</RequestId><HostId>${hostId(requestId)}</HostId></Error>`,
    };
  },
  throttled: (service, message) => new AwsError(service.throttle.type, message, service.throttle.status),
  denied: (_service, said) => new AwsError('AccessDenied', said, 403),
};
