/**
 * The two query protocols (form-encoded `POST /` with `Action` and `Version`, XML answers): `ec2` (EC2's
 * own dialect: lists as `<item>`, lower-camel element names, errors under `<Response><Errors>`) and
 * `awsQuery` (Auto Scaling: lists as `<member>`, results wrapped in `<OperationResult>`, errors under
 * `<ErrorResponse>`). EC2 and Auto Scaling share the endpoint and are told apart by the SigV4 signing
 * name. Handlers get the form as nested objects of strings and return plain objects whose keys are the
 * XML element names; arrays become lists.
 *
 * Input shapes are keyed by the names on the wire (EC2's `ImageId.N`, `SetDefaultVersion`: the models'
 * locationName), and checked after reading each value as its shape's type. A refusal is what each
 * service's front end answers: EC2 one error at a time, `MissingParameter` ("The request must contain the
 * parameter X") or `InvalidParameterValue`; Auto Scaling `ValidationError` in the Coral wording of the JSON
 * services, with lower-camel member paths ("Value null at 'autoScalingGroupName' ...").
 */
import { AwsError } from '../errors.js';
import type { Operation } from '../server.js';
import { findProblems, type Problem, problemText, type Shape, validationMessage } from '../shapes.js';
import type { Protocol, Service, WireResponse } from './protocol.js';

export type QueryStyle = 'ec2' | 'awsQuery';

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
  /** Inputs are keyed by wire names; handlers return objects keyed by XML element names. */
  operations: Record<string, Operation>;
}

type Tree = { [key: string]: Tree | string };

/**
 * `A.B.1.C=x&List.member.2=y` → `{ A: { B: [{ C: 'x' }] }, List: [, 'y'] }`: numbered segments are list
 * positions (from 1) and awsQuery's `member` segment is dropped.
 */
function parseForm(body: string): Record<string, unknown> {
  const root: Tree = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key
      .split('.')
      .filter((seg, i, all) => !(seg === 'member' && /^\d+$/.test(all[i + 1] ?? '')));
    let node = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = value;
      else {
        const next = node[seg];
        node = typeof next === 'object' ? next : (node[seg] = {});
      }
    });
  }
  return listify(root) as Record<string, unknown>;
}

function listify(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => listify(node[String(k)]!));
  }
  return Object.fromEntries(keys.map((k) => [k, listify(node[k]!)]));
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, value: unknown, style: QueryStyle): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const tag = style === 'ec2' ? 'item' : 'member';
    return `<${name}>${value.map((v) => element(tag, v, style)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => element(k, v, style))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escape(String(value as string | number | boolean))}</${name}>`;
}

function xmlResponse(
  style: QueryStyle,
  xmlns: string,
  operation: string,
  output: Record<string, unknown>,
  requestId: string,
): string {
  const body = Object.entries(output)
    .map(([k, v]) => element(k, v, style))
    .join('');
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (style === 'ec2') {
    return `${head}<${operation}Response xmlns="${xmlns}"><requestId>${requestId}</requestId>${body}</${operation}Response>`;
  }
  return `${head}<${operation}Response xmlns="${xmlns}"><${operation}Result>${body}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

function xmlError(
  style: QueryStyle,
  xmlns: string,
  code: string,
  message: string,
  status: number,
  requestId: string,
): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (style === 'ec2') {
    return `${head}<Response><Errors><Error><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `${head}<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

// ---------------------------------------------------------------------------------------------------
// Checking a form against a shape

const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);
/** `Preferences.CheckpointPercentages.1.member` as Auto Scaling names it: lower-camel members. */
const coralPath = (path: string) =>
  path
    .split('.')
    .map((seg) => (seg === 'member' || /^\d+$/.test(seg) ? seg : lowerFirst(seg)))
    .join('.');
/** The same path as it was sent: `Filter.1.Value.2`. */
const wirePath = (path: string) =>
  path
    .split('.')
    .filter((seg) => seg !== 'member')
    .join('.');

const TYPE_WORDS: Partial<Record<Shape['type'], string>> = {
  integer: 'an integer',
  boolean: 'true or false',
  list: 'a list',
  structure: 'a structure',
  string: 'a string',
};

/**
 * Reads form text as the shape's types ('5' → 5, 'true' → true, '' → [] for an empty awsQuery list), so
 * the shape's constraints can be checked; values that are not of their type are collected in `wrong`.
 */
function decode(shape: Shape, value: unknown, path: string, wrong: Problem[]): unknown {
  const bad = () => {
    wrong.push({ path, value, constraint: `Expected ${TYPE_WORDS[shape.type] ?? shape.type}` });
    return undefined;
  };
  switch (shape.type) {
    case 'any':
    case 'timestamp':
      return value;
    case 'string':
      return typeof value === 'string' ? value : bad();
    case 'integer':
      return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : bad();
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : bad();
    case 'list':
      if (value === '') return [];
      if (!Array.isArray(value)) return bad();
      return value.map((item, i) => decode(shape.member, item, `${path}.${i + 1}.member`, wrong));
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : bad();
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad();
      const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const [name, member] of Object.entries(shape.members)) {
        if (out[name] === undefined) continue;
        out[name] = decode(member, out[name], path ? `${path}.${name}` : name, wrong);
      }
      return out;
    }
  }
}

/** The problems of a form input: wrong types first (nothing else can be checked there), then constraints. */
function queryProblems(shape: Shape, input: Record<string, unknown>): Problem[] {
  const wrong: Problem[] = [];
  const typed = decode(shape, input, '', wrong);
  return wrong.length > 0 ? wrong : findProblems(shape, typed);
}

function refusal(style: QueryStyle, problems: readonly Problem[]): AwsError | undefined {
  const typeProblem = problems.find((p) => p.constraint.startsWith('Expected '));
  if (typeProblem) {
    return new AwsError(
      'InvalidParameterValue',
      `Value (${String(typeProblem.value)}) for parameter ${wirePath(typeProblem.path)} is invalid. ${typeProblem.constraint}.`,
    );
  }
  if (problems.length === 0) return undefined;
  if (style === 'awsQuery') {
    return new AwsError(
      'ValidationError',
      validationMessage(problems.map((p) => problemText(p, coralPath(p.path)))),
    );
  }
  const missing = problems.find((p) => p.missing);
  if (missing) {
    return new AwsError(
      'MissingParameter',
      `The request must contain the parameter ${wirePath(missing.path)}`,
    );
  }
  const first = problems[0]!;
  return new AwsError(
    'InvalidParameterValue',
    `Value (${String(first.value)}) for parameter ${wirePath(first.path)} is invalid. ${first.constraint}`,
  );
}

// ---------------------------------------------------------------------------------------------------
// The protocol

const FORM = 'application/x-www-form-urlencoded';
const XML = 'text/xml';

export const query: Protocol<QueryService> = {
  name: 'query',
  claims: (req) => String(req.headers['content-type'] ?? '').startsWith(FORM),
  route(req, services: readonly Service[]) {
    const params = parseForm(req.body);
    const signing = req.signingName;
    const service = services.find(
      (s): s is QueryService =>
        s.protocol === 'query' &&
        (signing ? s.signingName === signing : s.xmlns.includes(String(params['Version']))),
    );
    if (!service)
      throw new AwsError('UnknownOperationException', `No query service signs as ${signing}`, 404);
    const name = String(params['Action'] ?? '');
    const operation = service.operations[name];
    if (!operation)
      throw new AwsError('InvalidAction', `The action ${name} is not valid for this web service.`);
    return { service, name, operation };
  },
  parse(req) {
    const { Action: _action, Version: _version, ...input } = parseForm(req.body);
    return input;
  },
  check(routed, input) {
    const shape = routed.operation.input;
    return shape ? refusal(routed.service.style, queryProblems(shape, input)) : undefined;
  },
  serialize: (routed, output, requestId): WireResponse => ({
    status: 200,
    contentType: XML,
    body: xmlResponse(
      routed.service.style,
      routed.service.xmlns,
      routed.name,
      (output ?? {}) as Record<string, unknown>,
      requestId,
    ),
  }),
  serializeError: (error, service, requestId): WireResponse => ({
    status: error.status,
    contentType: XML,
    // Not routed (no service signs so): answered in the awsQuery form, which names no dialect.
    body: xmlError(
      service?.style ?? 'awsQuery',
      service?.xmlns ?? '',
      error.type,
      error.message,
      error.status,
      requestId,
    ),
  }),
  throttled: (service, message) => new AwsError(service.throttle.type, message, service.throttle.status),
  denied(service, said) {
    if (service.style === 'ec2')
      return new AwsError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${said}`,
        403,
      );
    return new AwsError('AccessDenied', said, 403);
  },
};
