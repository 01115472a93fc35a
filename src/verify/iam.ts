/**
 * roles and permissions. roles: the execution and task roles exist (GetRole, once per role) and their
 * trust policy lets ecs-tasks.amazonaws.com assume them. permissions: IAM's policy simulator
 * (iam:SimulatePrincipalPolicy) answers whether the execution role may do what starting the task takes —
 * pull each ECR image, write each log group, read each secret, parameter, KMS key and environment file —
 * and the task role may mount each EFS file system with IAM authorization. One simulation per role and
 * group of actions, over all the resources of that group; a denial names the statement to add.
 */
import { GetRoleCommand, type Role, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { iamPattern, parseArn } from '../aws/identifiers.js';
import { describeParameters, describeSecret, logGroupExists } from './account.js';
import { type CheckContext, errorName } from './context.js';
import { ecrRegistry, parseImageReference } from './registry.js';

type Json = Record<string, unknown>;

const ECS_TASKS = 'ecs-tasks.amazonaws.com';

/** Services whose resources have policies of their own that can grant a role what its policies do not. */
const RESOURCE_POLICIES = new Set(['secretsmanager', 'kms', 'ecr', 's3', 'elasticfilesystem']);

interface RoleRef {
  arn: string;
  name: string;
  /** Which field names it: executionRoleArn, taskRoleArn or both. */
  fields: string[];
}

function rolesOf(definition: Json): RoleRef[] {
  const out: RoleRef[] = [];
  for (const field of ['executionRoleArn', 'taskRoleArn']) {
    const value = definition[field];
    if (typeof value !== 'string' || value === '') continue;
    const same = out.find((r) => r.arn === value);
    if (same) {
      same.fields.push(field);
      continue;
    }
    // A role ARN (arn:aws:iam::123:role/path/name) or, as ECS also takes, a bare name.
    const name = value.split('/').pop()!;
    out.push({ arn: value, name, fields: [field] });
  }
  return out;
}

function getRole(ctx: CheckContext, role: RoleRef): Promise<Role | null | undefined> {
  return ctx.read('roles', `role ${role.name}`, () =>
    ctx.lookups.once(`GetRole ${role.name}`, async () => {
      try {
        return (await ctx.clients.iam().send(new GetRoleCommand({ RoleName: role.name }))).Role ?? null;
      } catch (error) {
        if (errorName(error) === 'NoSuchEntity' || errorName(error) === 'NoSuchEntityException') return null;
        throw error;
      }
    }),
  );
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Whether a trust policy (GetRole returns it URL-encoded) lets ECS tasks assume the role. */
export function trustsEcsTasks(document: string | undefined): boolean {
  if (!document) return false;
  let policy: Json;
  try {
    policy = JSON.parse(decodeURIComponent(document)) as Json;
  } catch {
    return false;
  }
  return list(policy['Statement']).some((s) => {
    const st = s as Json;
    if (st['Effect'] !== 'Allow') return false;
    // Action patterns match as IAM matches them: * and ? wildcards, case-insensitive.
    // Action patterns match as IAM matches them: * and ? wildcards, case-insensitive.
    if (!list(st['Action']).some((a) => iamPattern(String(a), 'i').test('sts:AssumeRole'))) return false;
    const principal = st['Principal'] as Json | string | undefined;
    if (principal === '*') return true;
    return (
      typeof principal === 'object' && principal !== null && list(principal['Service']).includes(ECS_TASKS)
    );
  });
}

export async function checkRoles(ctx: CheckContext): Promise<void> {
  await Promise.all(
    rolesOf(ctx.definition).map(async (role) => {
      const pointer = `/${role.fields[0]}`;
      const found = await getRole(ctx, role);
      const as = role.fields.join(' and ');
      if (found === null) {
        const account = parseArn(role.arn)?.accountId;
        ctx.find(
          'role-not-found',
          pointer,
          `The ${as} names the role ${role.name}, which does not exist${account ? ` in account ${account}` : ''} (or is in another account than the one verify runs in). Check the name and path in the ARN.`,
        );
        return;
      }
      // GetRole takes a name: a role ARN with another path or account names a role that is not this one.
      if (found && role.arn.startsWith('arn:') && found.Arn && found.Arn !== role.arn) {
        ctx.find(
          'role-not-found',
          pointer,
          `The ${as} is ${role.arn}, but the role named ${role.name} is ${found.Arn}: the path or the account differs, and ECS would not find the role.`,
        );
        return;
      }
      if (found && !trustsEcsTasks(found.AssumeRolePolicyDocument)) {
        ctx.find(
          'role-trust',
          pointer,
          `The role ${role.name} (${as}) does not trust ${ECS_TASKS}, so ECS cannot assume it for the task. Add to its trust policy: {"Effect":"Allow","Principal":{"Service":"${ECS_TASKS}"},"Action":"sts:AssumeRole"}.`,
        );
      }
    }),
  );
}

/** One thing a role must be allowed, and where the task definition asks for it. */
interface Need {
  action: string;
  resource: string;
  pointer: string;
  why: string;
}

async function executionNeeds(ctx: CheckContext, account: string, partition: string): Promise<Need[]> {
  const needs: Need[] = [];
  const pull = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
  for (const use of ctx.refs.images) {
    const ref = parseImageReference(use.image);
    const registry = ref && ecrRegistry(ref.registry);
    if (!ref || !registry) continue;
    const why = `to pull ${use.image} (${use.container})`;
    needs.push({ action: 'ecr:GetAuthorizationToken', resource: '*', pointer: use.pointer, why });
    const repository = `arn:${partition}:ecr:${registry.region}:${registry.account}:repository/${ref.repository}`;
    for (const action of pull) needs.push({ action, resource: repository, pointer: use.pointer, why });
  }
  // On EC2 the awslogs driver writes with the container instance's role, not the execution role's
  // ("Amazon ECS task execution IAM role"): the log permissions are judged for Fargate tasks only.
  const compat = ctx.definition['requiresCompatibilities'];
  const onFargate = Array.isArray(compat) && compat.includes('FARGATE');
  await Promise.all(
    (onFargate ? ctx.refs.logs : []).map(async (use) => {
      const group = `arn:${partition}:logs:${use.region}:${account}:log-group:${use.group}`;
      const stream = `${group}:log-stream:${use.prefix ? `${use.prefix}/` : ''}${use.container}/0123456789abcdef0123456789abcdef`;
      const why = `to send the logs of ${use.container} to ${use.group}`;
      needs.push({ action: 'logs:CreateLogStream', resource: stream, pointer: use.pointer, why });
      needs.push({ action: 'logs:PutLogEvents', resource: stream, pointer: use.pointer, why });
      if (use.create && (await logGroupExists(ctx, use.region, use.group)) === false)
        needs.push({
          action: 'logs:CreateLogGroup',
          resource: group,
          pointer: use.pointer,
          why: `to create ${use.group} (awslogs-create-group)`,
        });
    }),
  );
  const regions = new Set(ctx.refs.secrets.filter((s) => s.store === 'ssm').map((s) => s.region));
  const parameters = new Map(
    await Promise.all([...regions].map(async (r) => [r, await describeParameters(ctx, r)] as const)),
  );
  await Promise.all(
    ctx.refs.secrets.map(async (use) => {
      const why = `to read ${use.name} of ${use.container}`;
      const key = (id: string | undefined, region: string, owner: string) => {
        // An alias (the AWS managed key's, or one of the account's) names no key the simulator can be asked
        // about: the key behind it decides (kms:DescribeKey would tell; verify does not call it).
        if (!id || id.startsWith('alias/') || id.includes(':alias/')) return;
        const arn = id.startsWith('arn:') ? id : `arn:${partition}:kms:${region}:${owner}:key/${id}`;
        needs.push({
          action: 'kms:Decrypt',
          resource: arn,
          pointer: use.pointer,
          why: `${why} (its KMS key)`,
        });
      };
      const owner = use.account || account;
      if (use.store === 'secretsmanager') {
        const described = await describeSecret(ctx, use);
        const secret = described?.found ? described.value : undefined;
        if (described && !described.found) return; // not found: the secrets check says so
        needs.push({
          action: 'secretsmanager:GetSecretValue',
          resource: secret?.ARN ?? use.id,
          pointer: use.pointer,
          why,
        });
        key(secret?.KmsKeyId, use.region, owner);
        return;
      }
      const metadata = parameters.get(use.region)?.get(use.id);
      if (parameters.get(use.region) && !metadata) return;
      const arn =
        metadata?.ARN ?? `arn:${partition}:ssm:${use.region}:${owner}:parameter/${use.id.replace(/^\//, '')}`;
      needs.push({ action: 'ssm:GetParameters', resource: arn, pointer: use.pointer, why });
      if (metadata?.Type === 'SecureString') key(metadata.KeyId, use.region, owner);
    }),
  );
  for (const use of ctx.refs.envFiles) {
    const why = `to read the environment file ${use.arn} (${use.container})`;
    needs.push({ action: 's3:GetObject', resource: use.arn, pointer: use.pointer, why });
    needs.push({
      action: 's3:GetBucketLocation',
      resource: `arn:${partition}:s3:::${use.bucket}`,
      pointer: use.pointer,
      why,
    });
  }
  return needs;
}

function taskNeeds(ctx: CheckContext, account: string, partition: string): Need[] {
  return ctx.refs.efs
    .filter((use) => use.iam)
    .flatMap((use) => {
      const resource = `arn:${partition}:elasticfilesystem:${ctx.region}:${account}:file-system/${use.fileSystemId}`;
      const why = `to mount ${use.fileSystemId} (volume ${use.volume}, IAM authorization)`;
      return [
        'elasticfilesystem:ClientMount',
        ...(use.readOnly ? [] : ['elasticfilesystem:ClientWrite']),
      ].map((action) => ({
        action,
        resource,
        pointer: use.pointer,
        why,
      }));
    });
}

type Decision = { decision: string; statements: string[]; missing: string[] };

/** One simulation per group of actions (the prefix), over every resource of the group; paged. */
async function simulate(
  ctx: CheckContext,
  roleArn: string,
  needs: Need[],
): Promise<Map<string, Decision> | undefined> {
  const groups = new Map<string, Need[]>();
  for (const n of needs) {
    const key = `${n.action.split(':')[0]} ${n.resource === '*' ? '*' : 'arn'}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  const decisions = new Map<string, Decision>();
  let blocked = false;
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const actions = [...new Set(group.map((n) => n.action))];
      const resources = [...new Set(group.map((n) => n.resource))];
      const answer = await ctx.read('permissions', `what ${roleArn} may do`, () =>
        ctx.lookups.once(
          `SimulatePrincipalPolicy ${roleArn} ${actions.join(',')} ${resources.join(',')}`,
          async () => {
            const out = new Map<string, Decision>();
            let Marker: string | undefined;
            do {
              const page = await ctx.clients.iam().send(
                new SimulatePrincipalPolicyCommand({
                  PolicySourceArn: roleArn,
                  ActionNames: actions,
                  ResourceArns: resources,
                  ...(Marker ? { Marker } : {}),
                }),
              );
              for (const r of page.EvaluationResults ?? []) {
                const per = r.ResourceSpecificResults?.length
                  ? r.ResourceSpecificResults.map((x) => ({
                      resource: x.EvalResourceName ?? '*',
                      decision: x.EvalResourceDecision ?? 'implicitDeny',
                      statements: x.MatchedStatements ?? r.MatchedStatements ?? [],
                      missing: x.MissingContextValues ?? r.MissingContextValues ?? [],
                    }))
                  : [
                      {
                        resource: r.EvalResourceName ?? '*',
                        decision: r.EvalDecision ?? 'implicitDeny',
                        statements: r.MatchedStatements ?? [],
                        missing: r.MissingContextValues ?? [],
                      },
                    ];
                for (const p of per)
                  out.set(`${r.EvalActionName} ${p.resource}`, {
                    decision: p.decision,
                    statements: p.statements.map((s) => s.SourcePolicyId ?? '').filter(Boolean),
                    missing: p.missing,
                  });
              }
              Marker = page.IsTruncated ? page.Marker : undefined;
            } while (Marker);
            return out;
          },
        ),
      );
      if (!answer) blocked = true;
      else for (const [k, v] of answer) decisions.set(k, v);
    }),
  );
  return blocked && decisions.size === 0 ? undefined : decisions;
}

async function judgeRole(
  ctx: CheckContext,
  field: 'executionRoleArn' | 'taskRoleArn',
  needs: Need[],
): Promise<void> {
  const arn = ctx.definition[field];
  if (typeof arn !== 'string' || needs.length === 0) return;
  const role = rolesOf(ctx.definition).find((r) => r.arn === arn)!;
  const found = await getRole(ctx, role);
  if (found === null) return; // the roles check says it does not exist
  const roleArn = found?.Arn ?? arn;
  const decisions = await simulate(ctx, roleArn, needs);
  if (!decisions) return;
  const byPointer = new Map<string, { denied: Need[]; deniedBy: Set<string>; conditional: Set<string> }>();
  for (const need of needs) {
    const d = decisions.get(`${need.action} ${need.resource}`);
    if (!d) continue;
    const entry = byPointer.get(need.pointer) ?? {
      denied: [],
      deniedBy: new Set<string>(),
      conditional: new Set<string>(),
    };
    if (d.decision !== 'allowed') {
      if (!entry.denied.some((n) => n.action === need.action && n.resource === need.resource))
        entry.denied.push(need);
      if (d.decision === 'explicitDeny') d.statements.forEach((s) => entry.deniedBy.add(s));
    }
    d.missing.forEach((k) => entry.conditional.add(k));
    byPointer.set(need.pointer, entry);
  }
  const name = role.name;
  for (const [pointer, entry] of byPointer) {
    if (entry.denied.length) {
      const first = entry.denied[0]!;
      const resources = [...new Set(entry.denied.map((n) => n.resource))];
      const actions = [...new Set(entry.denied.map((n) => n.action))];
      const statement = JSON.stringify({
        Effect: 'Allow',
        Action: actions.length === 1 ? actions[0] : actions,
        Resource: resources.length === 1 ? resources[0] : resources,
      });
      const fix = entry.deniedBy.size
        ? `An explicit Deny in ${[...entry.deniedBy].join(', ')} refuses it: narrow that statement.`
        : `Add to a policy of ${name}: ${statement}.`;
      // The simulator reads the role's own policies. A secret, a key, a repository, a bucket or a file
      // system may grant the role in its resource policy instead (a key policy often does): then only an
      // explicit Deny is certain.
      const maybeGranted =
        !entry.deniedBy.size && actions.every((a) => RESOURCE_POLICIES.has(a.split(':')[0]!));
      const role = `The ${field === 'executionRoleArn' ? 'task execution role' : 'task role'} ${name}`;
      ctx.find(
        'role-permission',
        pointer,
        maybeGranted
          ? `${role} has no policy that allows ${actions.join(', ')} ${first.why}, IAM's policy simulator says; unless the resource's own policy grants it to the role, ECS will be refused. ${fix}`
          : `${role} may not ${actions.join(', ')} ${first.why}, IAM's policy simulator says. ${fix}`,
        maybeGranted ? 'warning' : 'error',
      );
    } else if (entry.conditional.size) {
      ctx.find(
        'role-permission',
        pointer,
        `The role ${name} is allowed ${needs.find((n) => n.pointer === pointer)?.why ?? ''} only if the conditions on ${[...entry.conditional].join(', ')} hold, which the simulator was not given.`,
        'notice',
      );
    }
  }
}

export async function checkPermissions(ctx: CheckContext): Promise<void> {
  const execution = ctx.definition['executionRoleArn'];
  const task = ctx.definition['taskRoleArn'];
  const from = (v: unknown) => (typeof v === 'string' ? parseArn(v) : undefined);
  let arn = from(execution) ?? from(task);
  // A role given by name: its ARN (and account) as IAM has it.
  if (!arn) {
    const named = rolesOf(ctx.definition)[0];
    const found = named ? await getRole(ctx, named) : undefined;
    arn = found?.Arn ? parseArn(found.Arn) : undefined;
  }
  const account = arn?.accountId ?? '';
  const partition = arn?.partition ?? 'aws';
  await Promise.all([
    judgeRole(ctx, 'executionRoleArn', await executionNeeds(ctx, account, partition)),
    judgeRole(ctx, 'taskRoleArn', taskNeeds(ctx, account, partition)),
  ]);
}
