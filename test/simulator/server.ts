/**
 * The local AWS simulator: one HTTP server on 127.0.0.1 that speaks the wire protocols of the services
 * ecs-shipyard calls — awsJson1_1 (POST / with X-Amz-Target), restJson1 (an HTTP route per
 * operation) and the two query protocols, ec2 and awsQuery (form-encoded POST, XML answers) — so the real SDK clients reach it through AWS_ENDPOINT_URL with dummy credentials.
 * Services plug in as tables of operations; each request is checked against the operation's input
 * shape, recorded in the request log, and subject to the scenario's faults.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError } from './errors.js';
import { DEFAULT_ACCOUNT, type Fault, loadScenario, type Principal, type Scenario } from './scenario.js';
import { ecrPublicService, ecrService } from './services/ecr.js';
import { codeDeployService } from './services/codedeploy.js';
import { ecsService } from './services/ecs.js';
import { ecsServiceOperations } from './services/ecs-services.js';
import { ecsCapacityOperations } from './services/ecs-capacity.js';
import { imageBuilderService } from './services/imagebuilder.js';
import { logsService } from './services/logs.js';
import { ssmService } from './services/ssm.js';
import { autoScalingService, ec2Service } from './services/fleet.js';
import { parseForm, type QueryStyle, xmlError, xmlResponse } from './query.js';
import { check, SerializationError, type Shape, validationMessage } from './shapes.js';

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
  input?: Shape;
  /** IAM action checked against the caller's deny list; default `<iamPrefix>:<operation>`. */
  iamActions?: readonly string[];
  handler(input: Record<string, unknown>, ctx: RequestContext): unknown;
}

export interface JsonService {
  protocol: 'awsJson1_1';
  name: string;
  iamPrefix: string;
  targetPrefix: string;
  operations: Record<string, Operation>;
}

export interface RestRoute extends Operation {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
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
}

export interface QueryService {
  protocol: 'query';
  style: QueryStyle;
  name: string;
  iamPrefix: string;
  /** SigV4 signing name: EC2 and Auto Scaling share the endpoint and the protocol family. */
  signingName: string;
  xmlns: string;
  /** How this service says "slow down". */
  throttle: { type: string; status: number };
  /** Handlers get the form as nested objects of strings and return objects keyed by XML element names. */
  operations: Record<string, Operation>;
}

export type Service = JsonService | RestJsonService | QueryService;

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
  const services: Service[] = [
    ...(options.services ?? []),
    ecrService,
    ecrPublicService,
    {
      ...ecsService,
      operations: { ...ecsService.operations, ...ecsServiceOperations, ...ecsCapacityOperations },
    },
    logsService,
    codeDeployService,
    ssmService,
    imageBuilderService,
    ec2Service,
    autoScalingService,
  ];
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = AUTH.exec(req.headers.authorization ?? '');
    const target = String(req.headers['x-amz-target'] ?? '');
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

    const json = target !== '';
    const form =
      !json && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    let query: QueryService | undefined;
    const send = (status: number, payload: unknown, extraHeaders: Record<string, string> = {}) => {
      entry.status = status;
      const text =
        typeof payload === 'string' ? payload : payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': query ? 'text/xml' : json ? 'application/x-amz-json-1.1' : 'application/json',
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(text),
        ...extraHeaders,
      });
      res.end(text);
    };
    const sendError = (error: AwsError) => {
      entry.error = error.type;
      if (query) {
        send(
          error.status,
          xmlError(query.style, query.xmlns, error.type, error.message, error.status, requestId),
        );
        return;
      }
      const payload = json ? { __type: error.type, message: error.message } : { message: error.message };
      send(error.status, payload, { 'x-amzn-errortype': `${error.type}:` });
    };

    try {
      // Which service and operation?
      let service: Service | undefined;
      let operationName: string | undefined;
      let operation: Operation | undefined;
      let input: Record<string, unknown> = {};
      if (form) {
        const signing = auth?.[4];
        const params = parseForm(body);
        query = services.find(
          (s): s is QueryService =>
            s.protocol === 'query' &&
            (signing ? s.signingName === signing : s.xmlns.includes(String(params['Version']))),
        );
        if (!query)
          throw new AwsError('UnknownOperationException', `No query service signs as ${signing}`, 404);
        service = query;
        operationName = String(params['Action'] ?? '');
        operation = query.operations[operationName];
        if (!operation)
          throw new AwsError(
            'InvalidAction',
            `The action ${operationName} is not valid for this web service.`,
          );
        const { Action: _action, Version: _version, ...rest } = params;
        input = rest;
      } else if (json) {
        const [prefix, name] = target.split('.');
        service = services.find(
          (s): s is JsonService => s.protocol === 'awsJson1_1' && s.targetPrefix === prefix,
        );
        if (!service || !name) throw new AwsError('UnknownOperationException', `Unknown target ${target}`);
        operationName = name;
        operation = service.operations[name];
        if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${name}`);
        try {
          input = body.trim() ? (JSON.parse(body) as Record<string, unknown>) : {};
        } catch {
          throw new AwsError('SerializationException', 'Request body is not valid JSON');
        }
      } else {
        const signing = auth?.[4];
        const rest = services.filter(
          (s): s is RestJsonService => s.protocol === 'restJson1' && (!signing || s.signingName === signing),
        );
        for (const s of rest) {
          const route = s.routes.find((r) => r.method === req.method && r.path === url.pathname);
          if (route) {
            service = s;
            operation = route;
            operationName = route.operation;
            break;
          }
        }
        if (!service || !operation || !operationName) {
          throw new AwsError(
            'UnknownOperationException',
            `No operation at ${req.method} ${url.pathname}`,
            404,
          );
        }
        let fromBody: Record<string, unknown> = {};
        try {
          fromBody = body.trim() ? (JSON.parse(body) as Record<string, unknown>) : {};
        } catch {
          throw new AwsError('SerializationException', 'Request body is not valid JSON');
        }
        const fromQuery: Record<string, unknown> = {};
        for (const [k, v] of url.searchParams)
          fromQuery[k] = /^\d+$/.test(v) && k === 'maxResults' ? Number(v) : v;
        input = { ...fromQuery, ...fromBody };
      }
      if (!operationName) throw new AwsError('UnknownOperationException', 'No operation');
      entry.service = service.name;
      entry.operation = operationName;
      entry.params = input;

      // Faults come before anything else, as throttling and outages do.
      const fault = pickFault(service.name, operationName);
      if (fault) {
        entry.fault = fault.kind;
        if (fault.kind === 'drop') {
          entry.status = -1;
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'latency') await sleep(fault.ms ?? 1000);
        if (fault.kind === 'throttle') {
          const how =
            service.protocol === 'query' ? service.throttle : { type: 'ThrottlingException', status: 400 };
          throw new AwsError(how.type, fault.message ?? 'Rate exceeded', how.status);
        }
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
      const actions = operation.iamActions ?? [`${service.iamPrefix}:${operationName}`];
      for (const action of actions) {
        if (principal.deny?.includes(action) || principal.deny?.includes('*')) {
          const who = principal.arn ?? `arn:aws:sts::${account}:assumed-role/github-actions/ci`;
          const said = `User: ${who} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
          if (service.protocol === 'query' && service.style === 'ec2')
            throw new AwsError(
              'UnauthorizedOperation',
              `You are not authorized to perform this operation. ${said}`,
              403,
            );
          if (service.protocol === 'query') throw new AwsError('AccessDenied', said, 403);
          throw new AwsError('AccessDeniedException', said);
        }
      }

      // Is the request well formed?
      if (operation.input) {
        let problems: string[];
        try {
          problems = check(operation.input, input);
        } catch (error) {
          if (error instanceof SerializationError)
            throw new AwsError('SerializationException', error.message);
          throw error;
        }
        if (problems.length > 0) throw new AwsError('ValidationException', validationMessage(problems));
      }

      const output = await operation.handler(input, {
        region: auth[3]!,
        account,
        accessKeyId,
        principal,
        sim,
        now: clock(),
      });
      if (query) {
        send(
          200,
          xmlResponse(
            query.style,
            query.xmlns,
            operationName,
            (output ?? {}) as Record<string, unknown>,
            requestId,
          ),
        );
      } else send(200, output ?? {});
    } catch (error) {
      if (error instanceof AwsError) sendError(error);
      else sendError(new AwsError('InternalFailure', `simulator bug: ${(error as Error).message}`, 500));
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
