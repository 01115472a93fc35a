/**
 * IAM (awsQuery, global: signs as `iam` in us-east-1), reads only: GetRole and SimulatePrincipalPolicy
 * over the roles of the scenario (`iam.roles`), which live in the caller's account. Shapes follow the
 * 2010-05-08 model (botocore's iam/2010-05-08/service-2.json).
 *
 * SimulatePrincipalPolicy evaluates the role's identity policies as IAM does for one account: an explicit
 * Deny wins, then an Allow, else implicitDeny; Action/NotAction match case-insensitively and
 * Resource/NotResource case-sensitively, both with `*` and `?`. It does not read condition values (see
 * `conditionHolds`).
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { PolicyDocument, PolicyStatement } from '../scenario.js';
import type { QueryService, RequestContext, Simulator } from '../server.js';
import { any, int, list, str, struct } from '../shapes.js';

interface Role {
  name: string;
  path: string;
  id: string;
  account: string;
  trust: PolicyDocument;
  policies: { name: string; document: PolicyDocument }[];
  createdAt: number;
}

const ECS_TASKS_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
};

/** The roles of the caller's account, made once from the scenario. */
function roles(sim: Simulator, account: string): Role[] {
  const key = `iam/${account}`;
  let state = sim.state.get(key) as Role[] | undefined;
  if (!state) {
    state = (sim.scenario.iam?.roles ?? []).map((r) => ({
      name: r.name,
      path: r.path ?? '/',
      id: roleId(account, r.name),
      account,
      trust: r.trust ?? ECS_TASKS_TRUST,
      policies: r.policies ?? [],
      createdAt: sim.now() - 86_400_000,
    }));
    sim.state.set(key, state);
  }
  return state;
}

/** A role's unique ID: AROA and 17 upper-case letters and digits, derived from the account and name. */
function roleId(account: string, name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(`${account}/${name}`).digest();
  return `AROA${Array.from(bytes.subarray(0, 17), (b) => alphabet[b % 32]).join('')}`;
}

const roleArn = (r: Role) => `arn:aws:iam::${r.account}:role${r.path}${r.name}`;

/** RFC 3986 percent-encoding, as IAM answers policy documents (encodeURIComponent leaves !'()* alone). */
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const noSuchRole = (name: string) =>
  new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);

// ---------------------------------------------------------------------------------------------------
// Policy evaluation

type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

const asList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const globs = new Map<string, RegExp>();
function glob(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = globs.get(key);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    globs.set(key, re);
  }
  return re;
}

const matchesAny = (patterns: string[], value: string, caseInsensitive: boolean) =>
  patterns.some((p) => glob(p, caseInsensitive).test(value));

function coversAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return matchesAny(asList(s.Action), action, true);
  if (s.NotAction !== undefined) return !matchesAny(asList(s.NotAction), action, true);
  return false;
}

/**
 * The simulated resource against the statement's Resource: `*` as the simulated resource (no ResourceArns)
 * is the literal `*`, which only a `*`-like pattern covers — a statement scoped to ARNs does not grant
 * "all resources" (cloud-custodian#4612 shows AWS answering so).
 */
function coversResource(s: PolicyStatement, resource: string): boolean {
  if (s.Resource !== undefined) return matchesAny(asList(s.Resource), resource, false);
  if (s.NotResource !== undefined) return !matchesAny(asList(s.NotResource), resource, false);
  return false;
}

/** Condition operators that hold when their key is absent ("not equal" to a value that is not there). */
const NEGATED =
  /^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|NumericNotEquals|DateNotEquals|NotIpAddress|ArnNotEquals|ArnNotLike)$/;

/**
 * Whether a statement's Condition holds when none of its keys is in the request context. The simulator
 * never reads condition values: ContextEntries are accepted and not used, so every key a statement names
 * is missing, and is listed in MissingContextValues, as AWS lists keys the input policies need and the
 * request did not provide. What AWS's evaluator does with an absent key is what decides here (IAM User
 * Guide, "Condition operators"; the Terraform provider's acceptance test of
 * aws_iam_principal_policy_simulation shows the simulator evaluating conditions like requests do): a key
 * that is not in the request context does not match, so the condition is false and the statement does
 * not apply — an Allow with a condition then grants nothing and a Deny with one denies nothing. The
 * exceptions are the operators that hold for an absent key: the negated ones (StringNotEquals,
 * ArnNotLike, …), `…IfExists`, `ForAllValues:…` (true for an empty set) and `Null: true`.
 */
function conditionHolds(condition: Record<string, unknown>): boolean {
  return Object.entries(condition).every(([operator, keys]) => {
    if (operator.endsWith('IfExists')) return true;
    if (operator.startsWith('ForAllValues:')) return true;
    if (operator.startsWith('ForAnyValue:')) return false;
    if (operator === 'Null') {
      return Object.values(keys as Record<string, unknown>).every((v) => String(v) === 'true');
    }
    return NEGATED.test(operator);
  });
}

const conditionKeys = (s: PolicyStatement) =>
  Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys as Record<string, unknown>));

interface Matched {
  SourcePolicyId: string;
  SourcePolicyType: string;
}

interface Verdict {
  decision: Decision;
  matched: Matched[];
  missing: string[];
}

function evaluate(role: Role, action: string, resource: string): Verdict {
  const allows: Matched[] = [];
  const denies: Matched[] = [];
  const missing = new Set<string>();
  for (const policy of role.policies) {
    const statements = Array.isArray(policy.document.Statement)
      ? policy.document.Statement
      : [policy.document.Statement];
    for (const s of statements) {
      if (!coversAction(s, action) || !coversResource(s, resource)) continue;
      conditionKeys(s).forEach((k) => missing.add(k));
      if (s.Condition && !conditionHolds(s.Condition)) continue;
      // SourcePolicyType is "IAM Policy" on the wire, though the model's enum lists other words.
      const matched = { SourcePolicyId: policy.name, SourcePolicyType: 'IAM Policy' };
      (s.Effect === 'Deny' ? denies : allows).push(matched);
    }
  }
  // "the deny statement is the only entry included in the result" (EvaluationResult.MatchedStatements).
  if (denies.length) return { decision: 'explicitDeny', matched: denies, missing: [...missing] };
  if (allows.length) return { decision: 'allowed', matched: allows, missing: [...missing] };
  return { decision: 'implicitDeny', matched: [], missing: [...missing] };
}

/**
 * The resource name of an EvaluationResult over several ResourceArns: AWS answers a template of the
 * action's resource type (`arn:aws:iam::${Account}:role/${RoleName}`), not one of the ARNs, so callers
 * must read ResourceSpecificResults. The template here keeps the service and the resource type.
 */
function resourceTemplate(arns: string[]): string {
  const [partition, service, region, account, rest] = arns[0]!.split(':', 6).slice(1);
  const type = /^([A-Za-z0-9-]+)[/:]/.exec(rest ?? '')?.[1];
  return `arn:${partition}:${service}:${region ? '${Region}' : ''}:${account ? '${Account}' : ''}:${type ? `${type}/\${ResourceId}` : '${ResourceType}:${ResourceId}'}`;
}

const uniqueMatched = (all: Matched[]) =>
  all.filter((m, i) => all.findIndex((n) => n.SourcePolicyId === m.SourcePolicyId) === i);

function evaluationResult(role: Role, action: string, resourceArns: string[] | undefined) {
  if (!resourceArns) {
    const v = evaluate(role, action, '*');
    return {
      EvalActionName: action,
      EvalResourceName: '*',
      EvalDecision: v.decision,
      MatchedStatements: v.matched,
      MissingContextValues: v.missing,
    };
  }
  const each = resourceArns.map((arn) => ({ arn, ...evaluate(role, action, arn) }));
  const decisions = each.map((e) => e.decision);
  // One result per action; its decision is the most permissive of the resources' unless one is denied
  // explicitly — the per-resource verdicts are in ResourceSpecificResults.
  const decision: Decision = decisions.includes('explicitDeny')
    ? 'explicitDeny'
    : decisions.includes('allowed')
      ? 'allowed'
      : 'implicitDeny';
  return {
    EvalActionName: action,
    EvalResourceName: resourceArns.length === 1 ? resourceArns[0] : resourceTemplate(resourceArns),
    EvalDecision: decision,
    MatchedStatements: uniqueMatched(each.flatMap((e) => e.matched)),
    MissingContextValues: [...new Set(each.flatMap((e) => e.missing))],
    EvalDecisionDetails: {},
    ResourceSpecificResults: each.map((e) => ({
      EvalResourceName: e.arn,
      EvalResourceDecision: e.decision,
      MatchedStatements: e.matched,
      MissingContextValues: e.missing,
    })),
  };
}

const ENTITY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user|group)(\/(?:[\x21-\x7E]*\/)?)([\w+=,.@-]+)$/;

function sourceRole(arn: string, ctx: RequestContext): Role {
  const m = ENTITY_ARN.exec(arn);
  if (!m) throw new AwsError('InvalidInput', `Invalid Entity Arn: ${arn}`);
  const [, account, kind, , name] = m;
  if (kind !== 'role')
    throw new AwsError('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`, 404);
  const role = account === ctx.account ? roles(ctx.sim, ctx.account).find((r) => r.name === name) : undefined;
  if (!role) throw noSuchRole(name!);
  return role;
}

function decodeMarker(marker: string): number {
  const offset = Number(Buffer.from(marker, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidInput', 'Invalid Marker.');
  return offset;
}

const ROLE_NAME = str({ min: 1, max: 64, pattern: '[\\w+=,.@-]+' });
const RESOURCE_NAME = str({ min: 1, max: 2048 });

export const iamService: QueryService = {
  protocol: 'query',
  style: 'awsQuery',
  name: 'iam',
  iamPrefix: 'iam',
  signingName: 'iam',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  throttle: { type: 'Throttling', status: 400 },
  operations: {
    GetRole: {
      input: struct({ RoleName: ROLE_NAME }, ['RoleName']),
      handler(input, ctx) {
        const name = String(input['RoleName']);
        const role = roles(ctx.sim, ctx.account).find((r) => r.name === name);
        if (!role) throw noSuchRole(name);
        return {
          Role: {
            Path: role.path,
            RoleName: role.name,
            RoleId: role.id,
            Arn: roleArn(role),
            CreateDate: new Date(role.createdAt),
            // IAM answers policy documents URL-encoded (RFC 3986); callers decode them.
            AssumeRolePolicyDocument: rfc3986(JSON.stringify(role.trust)),
            MaxSessionDuration: 3600,
            RoleLastUsed: {},
          },
        };
      },
    },
    SimulatePrincipalPolicy: {
      input: struct(
        {
          PolicySourceArn: str({ min: 20, max: 2048 }),
          ActionNames: list(str({ min: 3, max: 128 })),
          ResourceArns: list(RESOURCE_NAME),
          ContextEntries: list(
            struct({
              ContextKeyName: str({ min: 5, max: 256 }),
              ContextKeyValues: list(any),
              ContextKeyType: str({
                enum: [
                  'string',
                  'stringList',
                  'numeric',
                  'numericList',
                  'boolean',
                  'booleanList',
                  'ip',
                  'ipList',
                  'binary',
                  'binaryList',
                  'date',
                  'dateList',
                ],
              }),
            }),
          ),
          MaxItems: int({ min: 1, max: 1000 }),
          Marker: str({ min: 1, max: 320, pattern: '[\\u0020-\\u00FF]+' }),
        },
        ['PolicySourceArn', 'ActionNames'],
      ),
      handler(input, ctx) {
        const role = sourceRole(String(input['PolicySourceArn']), ctx);
        const given = input['ResourceArns'];
        const resources = Array.isArray(given) ? (given as string[]) : undefined;
        const notArns = (resources ?? []).filter((r) => r !== '*' && !/^arn:[^:]+:[^:]+:/.test(r));
        if (notArns.length) {
          throw new AwsError(
            'InvalidInput',
            `ResourceNames are not in a valid ARN format: ${notArns.join(', ')}.`,
          );
        }
        const actions = input['ActionNames'] as string[];
        const results = actions.map((a) =>
          evaluationResult(role, a, resources && resources.length ? resources : undefined),
        );
        const offset = input['Marker'] ? decodeMarker(String(input['Marker'])) : 0;
        const max = Number(input['MaxItems'] ?? 100);
        const page = results.slice(offset, offset + max);
        const truncated = offset + max < results.length;
        return {
          EvaluationResults: page,
          IsTruncated: truncated,
          ...(truncated ? { Marker: Buffer.from(String(offset + max)).toString('base64') } : {}),
        };
      },
    },
  },
};
