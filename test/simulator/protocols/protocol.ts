/**
 * What every wire protocol module gives the server: it claims the requests in its protocol, routes one to
 * a service and operation, parses its input, checks it against the operation's shape, and writes results
 * and errors as AWS does in that protocol (status, content type, error shape). The server owns the rest:
 * transport, SigV4 scope, principals, faults, the request log and calling the handler.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AwsError } from '../errors.js';
import type { Operation } from '../server.js';
import type { JsonService } from './aws-json.js';
import type { QueryService } from './query.js';
import type { RestJsonService } from './rest-json.js';
import type { RestXmlService } from './rest-xml.js';

export type Service = JsonService | RestJsonService | QueryService | RestXmlService;

/** An HTTP request as the protocols see it: read once, body as text. */
export interface WireRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The service in the SigV4 credential scope (the signing name), when the request is signed. */
  signingName: string | undefined;
}

/** An answer to write: the server adds the request id and content length. */
export interface WireResponse {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  body: string;
}

/** A request matched to its service and operation. */
export interface Routed<S extends Service = Service> {
  service: S;
  name: string;
  operation: Operation;
}

/*
 * Methods, not function-valued properties: a Protocol<QueryService> is then usable as a Protocol<Service>
 * in the server's list (each module only ever gets back the Routed it made).
 */
export interface Protocol<S extends Service = Service> {
  readonly name: S['protocol'];
  /** Is this request in this protocol? The server asks awsJson1_1, query, restXml, then restJson1. */
  claims(req: WireRequest): boolean;
  /** The service and operation; throws the AwsError AWS answers when there is none. */
  route(req: WireRequest, services: readonly Service[]): Routed<S>;
  /** The input object handlers and shapes see; throws AwsError when the body cannot be read. */
  parse(req: WireRequest, routed: Routed<S>): Record<string, unknown>;
  /** AWS's refusal of an input that breaks the operation's shape, in this protocol's codes and wording. */
  check(routed: Routed<S>, input: Record<string, unknown>): AwsError | undefined;
  serialize(routed: Routed<S>, output: unknown, requestId: string): WireResponse;
  /** `service` is undefined when the request could not be routed. */
  serializeError(error: AwsError, service: S | undefined, requestId: string): WireResponse;
  /** How the service says "slow down" (the throttling fault). */
  throttled(service: S, message: string): AwsError;
  /** How the service says IAM denied `action`; `said` is IAM's sentence. */
  denied(service: S, said: string): AwsError;
}
