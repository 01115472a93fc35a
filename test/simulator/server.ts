/**
 * The local AWS simulator: one HTTP server on 127.0.0.1 that speaks the wire protocols of the services
 * ecs-shipyard calls, so the real SDK clients reach it through AWS_ENDPOINT_URL with dummy credentials.
 *
 * Layers: this file is transport (HTTP, the SigV4 scope → region, account and principal, faults, latency,
 * dropped connections, the request log, the unsigned GETs of ECR's layer download URLs) and dispatch.
 * Everything protocol-specific — which service and operation a request is for, reading its input,
 * checking it against the operation's shape, writing the answer and the error — is a module in
 * protocols/ (awsJson1_1, restJson1, restXml for S3, query for ec2 and awsQuery).
 * Services are tables of operations in services/, holding state and behaviour (services/index.ts lists them).
 *
 * Adding an operation to a service (e.g. ECS ListServiceDeployments, in services/ecs-services.ts):
 *   1. In the service's module, add an entry to its table — `operations` (awsJson1_1, query) or `routes`
 *      (restJson1 and restXml, with method and path from the model's `http` trait; restXml routes also map
 *      the members bound to query strings and headers) — keyed by the API's operation name;
 *      `iamActions` only when IAM authorizes it as something other than `<iamPrefix>:<Operation>`.
 *   2. Give it `input:` a shape (shapes.ts: struct, str, int, list, bool, any) for the members the handler
 *      reads, from the API model (shared/reference/aws-models/<service>.json): required members, enums,
 *      lengths, ranges. Query services key members by their wire names (the model's locationName).
 *   3. Write the handler: state from the service's `<name>State(sim)`, AWS's errors as `AwsError(type,
 *      message, status)` in AWS's words; return the output as the API names it.
 *   4. Test it through the real SDK client against startSimulator() in test/integration/<area>.test.ts:
 *      the happy path, one refusal of the shape, one of the service's own errors.
 *   So: the service module and a test file (2 files); a scenario field for seeding adds scenario.ts.
 *
 * Adding a service:
 *   1. services/<name>.ts exporting a JsonService / RestJsonService / RestXmlService / QueryService
 *      (protocols/*.ts define them): name, iamPrefix (the IAM action prefix), and the protocol's routing
 *      key — targetPrefix, or signingName (+ style, xmlns, throttle for query; throttle for restXml) — from
 *      the model's metadata.
 *   2. One line in services/index.ts. 3. Seed data, if any, in scenario.ts. 4. A test as above.
 *   A new protocol is a module implementing Protocol (protocols/protocol.ts), listed in protocols/index.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError } from './errors.js';
import { PROTOCOLS, type Protocol, type Routed, type Service, type WireResponse } from './protocols/index.js';
import { DEFAULT_ACCOUNT, type Fault, loadScenario, type Principal, type Scenario } from './scenario.js';
import { serveEcrBlob } from './services/ecr.js';
import { SERVICES } from './services/index.js';
import type { Shape } from './shapes.js';

export type { JsonService, QueryService, RestJsonService, RestRoute, Service } from './protocols/index.js';

export interface RequestContext {
  region: string;
  account: string;
  accessKeyId: string;
  principal: Principal;
  sim: Simulator;
  /** Milliseconds since the epoch, from the simulator's clock. */
  now: number;
}

export interface Operation {
  /** The request's shape, checked before the handler runs (the protocol answers AWS's refusal). */
  input?: Shape;
  /** IAM action checked against the caller's deny list; default `<iamPrefix>:<operation>`. */
  iamActions?: readonly string[];
  handler(input: Record<string, unknown>, ctx: RequestContext): unknown;
}

export interface LoggedRequest {
  seq: number;
  /** Milliseconds since the simulator started. */
  at: number;
  service: string;
  operation: string;
  region: string;
  accessKeyId: string;
  userAgent: string;
  params: Record<string, unknown>;
  status: number;
  error?: string;
  /** What a fault did to this request, if anything. */
  fault?: Fault['kind'];
}

export interface SimulatorOptions {
  scenario?: Scenario | string;
  port?: number;
  /** Extra services (tests of the protocol layer, later issues). */
  services?: Service[];
  clock?: () => number;
}

export interface Simulator {
  endpoint: string;
  port: number;
  scenario: Scenario;
  requests: LoggedRequest[];
  /** Per-service state, owned by each service module. */
  state: Map<string, unknown>;
  addFault(fault: Fault): void;
  clearFaults(): void;
  /** Requests for one operation, optionally only those that were answered with success. */
  calls(operation: string, options?: { ok?: boolean }): LoggedRequest[];
  now(): number;
  close(): Promise<void>;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FaultSlot {
  fault: Fault;
  seen: number;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const scenario: Scenario =
    typeof options.scenario === 'string'
      ? loadScenario(options.scenario)
      : structuredClone(options.scenario ?? {});
  const clock = options.clock ?? Date.now;
  const started = clock();
  const services: readonly Service[] = [...(options.services ?? []), ...SERVICES];
  const faults: FaultSlot[] = (scenario.faults ?? []).map((fault) => ({ fault, seen: 0 }));
  const requests: LoggedRequest[] = [];
  let seq = 0;

  const sim: Simulator = {
    endpoint: '',
    port: 0,
    scenario,
    requests,
    state: new Map(),
    addFault: (fault) => faults.push({ fault, seen: 0 }),
    clearFaults: () => {
      faults.length = 0;
    },
    calls: (operation, o = {}) =>
      requests.filter((r) => r.operation === operation && (o.ok === undefined || o.ok === r.status < 300)),
    now: clock,
    close: () => Promise.resolve(),
  };

  const pickFault = (service: string, operation: string): Fault | undefined => {
    for (const slot of faults) {
      const f = slot.fault;
      if ((f.service ?? '*') !== '*' && f.service !== service) continue;
      if (f.operation !== '*' && f.operation !== operation) continue;
      slot.seen++;
      const after = f.after ?? 0;
      if (slot.seen <= after) continue;
      if (f.count !== undefined && slot.seen > after + f.count) continue;
      return f;
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const requestId = randomUUID();
    const auth = AUTH.exec(req.headers.authorization ?? '');
    const entry: LoggedRequest = {
      seq: ++seq,
      at: clock() - started,
      service: '?',
      operation: '?',
      region: auth?.[3] ?? '?',
      accessKeyId: auth?.[1] ?? '',
      userAgent: String(req.headers['x-amz-user-agent'] ?? req.headers['user-agent'] ?? ''),
      params: {},
      status: 0,
    };
    requests.push(entry);

    const wire = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://localhost'),
      headers: req.headers,
      body,
      signingName: auth?.[4],
    };
    // ECR's layer download URLs (presigned, as S3's are): no SigV4, no protocol, just the bytes.
    const blob = serveEcrBlob(sim, wire.method, wire.url);
    if (blob) {
      Object.assign(entry, { service: 's3', operation: 'GetObject', status: blob.status });
      res.writeHead(blob.status, {
        'content-type': blob.contentType,
        'content-length': blob.body.length,
        'x-amz-request-id': requestId,
      });
      res.end(blob.body);
      return;
    }
    const protocol: Protocol = PROTOCOLS.find((p) => p.claims(wire))!;
    let routed: Routed | undefined;
    const send = (answer: WireResponse) => {
      entry.status = answer.status;
      res.writeHead(answer.status, {
        'content-type': answer.contentType,
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(answer.body),
        ...answer.headers,
      });
      res.end(answer.body);
    };

    try {
      // Which service and operation, with what input?
      routed = protocol.route(wire, services);
      const { service, name, operation } = routed;
      const input = protocol.parse(wire, routed);
      entry.service = service.name;
      entry.operation = name;
      entry.params = input;

      // Faults come before anything else, as throttling and outages do.
      const fault = pickFault(service.name, name);
      if (fault) {
        entry.fault = fault.kind;
        if (fault.kind === 'drop') {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'html') {
          // Not AWS answering: a proxy, a load balancer or a captive portal, with its own HTML page.
          entry.status = fault.status ?? 502;
          const page = `<html><head><title>${entry.status} Bad Gateway</title></head><body><center><h1>${entry.status} Bad Gateway</h1></center><hr><center>${fault.message ?? 'nginx'}</center></body></html>\n`;
          res.writeHead(entry.status, {
            'content-type': 'text/html',
            'content-length': Buffer.byteLength(page),
          });
          res.end(page);
          return;
        }
        if (fault.kind === 'latency') await sleep(fault.ms ?? 1000);
        if (fault.kind === 'throttle') throw protocol.throttled(service, fault.message ?? 'Rate exceeded');
        if (fault.kind === 'error') {
          throw new AwsError(
            fault.type ?? 'InternalFailure',
            fault.message ?? 'We encountered an internal error. Please try again.',
            fault.status ?? 500,
          );
        }
      }

      // Who is calling?
      if (!auth)
        throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      const accessKeyId = auth[1]!;
      const principal = scenario.principals?.[accessKeyId] ?? {};
      const account = principal.account ?? scenario.account ?? DEFAULT_ACCOUNT;
      if (principal.unknown) {
        throw new AwsError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      if (principal.expired) {
        throw new AwsError('ExpiredTokenException', 'The security token included in the request is expired');
      }
      const actions = operation.iamActions ?? [`${service.iamPrefix}:${name}`];
      for (const action of actions) {
        if (
          principal.deny?.some(
            (d) => d === '*' || d === action || (d.endsWith(':*') && action.startsWith(d.slice(0, -1))),
          )
        ) {
          const who = principal.arn ?? `arn:aws:sts::${account}:assumed-role/github-actions/ci`;
          throw protocol.denied(
            service,
            `User: ${who} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`,
          );
        }
      }

      // Is the request well formed?
      const refused = protocol.check(routed, input);
      if (refused) throw refused;

      const output = await operation.handler(input, {
        region: auth[3]!,
        account,
        accessKeyId,
        principal,
        sim,
        now: clock(),
      });
      send(protocol.serialize(routed, output, requestId));
    } catch (error) {
      const answer =
        error instanceof AwsError
          ? error
          : new AwsError('InternalFailure', `simulator bug: ${(error as Error).message}`, 500);
      entry.error = answer.type;
      send(protocol.serializeError(answer, routed?.service, requestId));
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.destroy(error as Error);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  sim.port = port;
  sim.endpoint = `http://127.0.0.1:${port}`;
  sim.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return sim;
}

/** Environment that points the SDK (and the actions) at the simulator with dummy credentials. */
export function simulatorEnv(
  sim: Simulator,
  region = 'us-east-1',
  accessKeyId = 'AKIASIMULATOR',
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: sim.endpoint,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'simulator-secret-key',
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
