// The simulator's read-only services for verify-task-definition (group A) through the real SDK clients:
// IAM, Secrets Manager, SSM DescribeParameters, CloudWatch Logs DescribeLogGroups and S3 HeadObject.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  type GetRoleCommandInput,
  IAMClient,
  paginateSimulatePrincipalPolicy,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  paginateDescribeParameters,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

const ACCOUNT = '111122223333';
let sim: Simulator;
const saved = { ...process.env };

const ownParameters = Array.from({ length: 23 }, (_, i) => ({
  name: `/app/prod/p${String(i).padStart(2, '0')}`,
  value: `v${i}`,
}));

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      principals: {
        AKIADENIED: {
          deny: [
            'iam:SimulatePrincipalPolicy',
            'secretsmanager:GetSecretValue',
            'ssm:DescribeParameters',
            'logs:DescribeLogGroups',
            's3:GetObject',
          ],
        },
        AKIANOLIST: { deny: ['s3:ListBucket'] },
      },
      iam: {
        roles: [
          {
            name: 'app-task',
            path: '/ecs/',
            policies: [
              {
                name: 'read-config',
                document: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: ['secretsmanager:GetSecretValue', 'ssm:Get*'],
                      Resource: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/*',
                    },
                    { Effect: 'Allow', Action: 'S3:GetObject', Resource: 'arn:aws:s3:::config/*' },
                    {
                      Effect: 'Deny',
                      Action: 's3:GetObject',
                      Resource: 'arn:aws:s3:::config/secret?.txt',
                    },
                  ],
                },
              },
              {
                name: 'conditional',
                document: {
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: 'kms:Decrypt',
                      Resource: '*',
                      Condition: {
                        StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
                      },
                    },
                    {
                      Effect: 'Allow',
                      Action: 'logs:CreateLogStream',
                      Resource: '*',
                      Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
                    },
                  ],
                },
              },
            ],
          },
          {
            name: 'exec',
            trust: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { Service: 'ecs-tasks.amazonaws.com' },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
            policies: [
              {
                name: 'admin-but-iam',
                document: { Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } },
              },
            ],
          },
        ],
      },
      secretsmanager: {
        secrets: [
          {
            name: 'prod/db',
            value: '{"password":"hunter2"}',
            kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
          },
          { name: 'app-secret', value: 'x' },
          { name: 'old', value: 'y', deleted: true },
          { name: 'empty' },
          { name: 'eu-only', value: 'z', region: 'eu-west-1' },
        ],
      },
      ssm: {
        parameters: [
          ...ownParameters,
          { name: '/app/prod/db/password', value: 's3cret', type: 'SecureString' },
          { name: '/app/prod/hosts', value: 'a,b', type: 'StringList', region: 'us-east-1' },
          { name: '/app/eu/only', value: 'e', region: 'eu-west-1' },
        ],
      },
      logs: {
        groups: [
          { name: '/ecs/web', retentionInDays: 30 },
          { name: '/ecs/api', kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k2' },
          { name: '/aws/lambda/DataLogs' },
          { name: '/ecs/eu', region: 'eu-west-1' },
          ...Array.from({ length: 5 }, (_, i) => ({ name: `/batch/job-${i}` })),
        ],
      },
      s3: {
        objects: [
          { bucket: 'config', key: 'app/prod.env', body: 'A=1\n', contentType: 'text/plain' },
          { bucket: 'config', key: 'raw' },
          { bucket: 'eu-config', key: 'app.env', body: 'B=2', region: 'eu-west-1' },
        ],
      },
    },
  });
  Object.assign(process.env, simulatorEnv(sim));
});
afterAll(async () => {
  process.env = saved;
  await sim.close();
});
beforeEach(() => {
  sim.requests.length = 0;
  sim.clearFaults();
});

type Refusal = {
  name: string;
  message: string;
  $metadata: { httpStatusCode: number };
  $response?: { headers: Record<string, string> };
};
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the simulator to refuse the request');
    },
    (e: unknown) => e as Refusal,
  );

const denied = { accessKeyId: 'AKIADENIED', secretAccessKey: 'x' };

describe('IAM', () => {
  const iam = (o: { credentials?: typeof denied } = {}) =>
    new IAMClient({ region: 'us-east-1', maxAttempts: 1, ...o });
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/ecs/app-task`;

  test('GetRole answers the role with its trust policy URL-encoded, as IAM does', async () => {
    const { Role } = await iam().send(new GetRoleCommand({ RoleName: 'app-task' }));
    expect(Role).toMatchObject({
      Path: '/ecs/',
      RoleName: 'app-task',
      Arn: roleArn,
      MaxSessionDuration: 3600,
      CreateDate: expect.any(Date),
    });
    expect(Role!.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    const document = Role!.AssumeRolePolicyDocument!;
    expect(document).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(JSON.parse(decodeURIComponent(document))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(sim.requests[0]).toMatchObject({ service: 'iam', operation: 'GetRole', status: 200 });
  });

  test('a missing role is NoSuchEntity (404); a name off the pattern is ValidationError', async () => {
    expect(await refusal(iam().send(new GetRoleCommand({ RoleName: 'nope' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role with name nope cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    expect(await refusal(iam().send(new GetRoleCommand({ RoleName: 'a b' })))).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'a b' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      $metadata: { httpStatusCode: 400 },
    });
    expect(await refusal(iam().send(new GetRoleCommand({} as GetRoleCommandInput)))).toMatchObject({
      name: 'ValidationError',
    });
  });

  test('SimulatePrincipalPolicy: allowed, explicitDeny over an Allow, implicitDeny, one result per action', async () => {
    const out = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['secretsmanager:GetSecretValue', 's3:getobject', 'ecr:GetAuthorizationToken'],
        ResourceArns: [
          'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf',
          'arn:aws:s3:::config/app/prod.env',
          'arn:aws:s3:::config/secret1.txt',
        ],
      }),
    );
    expect(out.IsTruncated).toBe(false);
    const [secret, s3, ecr] = out.EvaluationResults!;
    // Several resources: one result per action, the verdicts per resource underneath.
    expect(out.EvaluationResults).toHaveLength(3);
    expect(secret!.EvalActionName).toBe('secretsmanager:GetSecretValue');
    expect(secret!.ResourceSpecificResults!.map((r) => r.EvalResourceDecision)).toEqual([
      'allowed',
      'implicitDeny',
      'implicitDeny',
    ]);
    expect(secret!.ResourceSpecificResults![0]!.MatchedStatements).toEqual([
      { SourcePolicyId: 'read-config', SourcePolicyType: 'IAM Policy' },
    ]);
    // Actions match case-insensitively; `?` is one character; the Deny wins over the Allow.
    expect(s3!.ResourceSpecificResults!.map((r) => [r.EvalResourceName, r.EvalResourceDecision])).toEqual([
      ['arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf', 'implicitDeny'],
      ['arn:aws:s3:::config/app/prod.env', 'allowed'],
      ['arn:aws:s3:::config/secret1.txt', 'explicitDeny'],
    ]);
    expect(s3!.EvalDecision).toBe('explicitDeny');
    expect(ecr!.EvalDecision).toBe('implicitDeny');
    expect(ecr!.EvalResourceName).not.toMatch(/^arn:aws:s3:::config/);
  });

  test('resources match case-sensitively; without ResourceArns the resource is "*"', async () => {
    const one = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::Config/app/prod.env'],
      }),
    );
    expect(one.EvaluationResults![0]).toMatchObject({
      EvalResourceName: 'arn:aws:s3:::Config/app/prod.env',
      EvalDecision: 'implicitDeny',
    });
    const star = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/exec`,
        ActionNames: ['s3:GetObject', 'iam:PassRole'],
      }),
    );
    expect(star.EvaluationResults!.map((r) => [r.EvalResourceName, r.EvalDecision])).toEqual([
      ['*', 'allowed'],
      ['*', 'implicitDeny'],
    ]);
    // A statement scoped to ARNs does not grant "*".
    const scoped = await iam().send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: ['s3:GetObject'] }),
    );
    expect(scoped.EvaluationResults![0]!.EvalDecision).toBe('implicitDeny');
  });

  test('conditions are not evaluated: their keys are missing context values, as an absent key decides', async () => {
    const out = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['kms:Decrypt', 'logs:CreateLogStream'],
      }),
    );
    expect(out.EvaluationResults!.map((r) => [r.EvalDecision, r.MissingContextValues])).toEqual([
      // StringEquals on an absent key is false: the Allow does not apply.
      ['implicitDeny', ['kms:ViaService']],
      // StringNotEquals on an absent key is true.
      ['allowed', ['aws:RequestedRegion']],
    ]);
  });

  test('pages with MaxItems and Marker (the SDK paginator)', async () => {
    const actions = ['s3:GetObject', 's3:PutObject', 'ecs:RunTask', 'ecs:ListTasks', 'iam:GetRole'];
    const seen: string[] = [];
    for await (const page of paginateSimulatePrincipalPolicy(
      { client: iam(), pageSize: 2 },
      { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/exec`, ActionNames: actions },
    )) {
      seen.push(...page.EvaluationResults!.map((r) => r.EvalActionName!));
    }
    expect(seen).toEqual(actions);
    expect(sim.calls('SimulatePrincipalPolicy')).toHaveLength(3);
  });

  test("the service's own refusals: a role that does not exist, an ARN that names no entity", async () => {
    expect(
      await refusal(
        iam().send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/ghost`,
            ActionNames: ['s3:GetObject'],
          }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
    const assumed = `arn:aws:sts::${ACCOUNT}:assumed-role/app-task/session`;
    expect(
      await refusal(
        iam().send(
          new SimulatePrincipalPolicyCommand({ PolicySourceArn: assumed, ActionNames: ['s3:GetObject'] }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidInputException',
      message: `Invalid Entity Arn: ${assumed}`,
      $metadata: { httpStatusCode: 400 },
    });
    expect(
      await refusal(
        iam().send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: ['kms:Decrypt'],
            ResourceArns: ['14a050d4-021e-4efe-84bb-0871bf6d0fda'],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidInputException',
      message: 'ResourceNames are not in a valid ARN format: 14a050d4-021e-4efe-84bb-0871bf6d0fda.',
    });
  });

  test('a principal refused iam:SimulatePrincipalPolicy gets AccessDenied; throttling is Throttling', async () => {
    expect(
      await refusal(
        iam({ credentials: denied }).send(
          new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: ['s3:GetObject'] }),
        ),
      ),
    ).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('is not authorized to perform: iam:SimulatePrincipalPolicy'),
      $metadata: { httpStatusCode: 403 },
    });
    sim.addFault({ service: 'iam', operation: 'GetRole', kind: 'throttle', count: 1 });
    expect(await refusal(iam().send(new GetRoleCommand({ RoleName: 'exec' })))).toMatchObject({
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    // The SDK retries Throttling; the second call succeeds.
    await new IAMClient({ region: 'us-east-1', maxAttempts: 3 }).send(
      new GetRoleCommand({ RoleName: 'exec' }),
    );
    expect(sim.calls('GetRole').map((c) => c.status)).toEqual([400, 200]);
  });
});

describe('Secrets Manager', () => {
  const sm = (o: { credentials?: typeof denied; region?: string } = {}) =>
    new SecretsManagerClient({ region: 'us-east-1', maxAttempts: 1, ...o });

  test('DescribeSecret and GetSecretValue by name, complete ARN and partial ARN', async () => {
    const described = await sm().send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    expect(described.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:111122223333:secret:prod\/db-[A-Za-z0-9]{6}$/,
    );
    expect(described).toMatchObject({
      Name: 'prod/db',
      KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
      LastChangedDate: expect.any(Date),
      CreatedDate: expect.any(Date),
    });
    const [versionId] = Object.keys(described.VersionIdsToStages!);
    expect(described.VersionIdsToStages).toEqual({ [versionId!]: ['AWSCURRENT'] });
    const partial = described.ARN!.slice(0, -7);
    for (const SecretId of ['prod/db', described.ARN!, partial]) {
      const value = await sm().send(new GetSecretValueCommand({ SecretId }));
      expect(value).toMatchObject({
        ARN: described.ARN,
        Name: 'prod/db',
        VersionId: versionId,
        SecretString: '{"password":"hunter2"}',
        VersionStages: ['AWSCURRENT'],
      });
    }
    // With the AWS managed key, DescribeSecret names no key.
    expect((await sm().send(new DescribeSecretCommand({ SecretId: 'app-secret' }))).KmsKeyId).toBeUndefined();
  });

  test('what Secrets Manager cannot find: a name with the suffix, a partial ARN ending like a suffix, another region', async () => {
    const notFound = {
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    };
    const { ARN } = await sm().send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    const suffixed = ARN!.split(':secret:')[1]!;
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: suffixed })))).toMatchObject(
      notFound,
    );
    // "app-secret" ends in a hyphen and six characters: its partial ARN reads as a complete one.
    const partial = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app-secret`;
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: partial })))).toMatchObject(
      notFound,
    );
    expect(await sm().send(new GetSecretValueCommand({ SecretId: 'app-secret' }))).toMatchObject({
      SecretString: 'x',
    });
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: 'eu-only' })))).toMatchObject(
      notFound,
    );
    expect(
      await sm({ region: 'eu-west-1' }).send(new GetSecretValueCommand({ SecretId: 'eu-only' })),
    ).toMatchObject({
      SecretString: 'z',
    });
  });

  test('a secret scheduled for deletion, a stage or version that is not there, a bad VersionId', async () => {
    expect(await sm().send(new DescribeSecretCommand({ SecretId: 'old' }))).toMatchObject({
      Name: 'old',
      DeletedDate: expect.any(Date),
    });
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: 'old' })))).toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
    expect(
      await refusal(
        sm().send(new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPENDING' })),
      ),
    ).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    });
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: 'empty' })))).toMatchObject({
      message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    });
    expect(
      await refusal(sm().send(new GetSecretValueCommand({ SecretId: 'prod/db', VersionId: 'short' }))),
    ).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'short' at 'VersionId' failed to satisfy constraint: Member must have length greater than or equal to 32",
    });
  });

  test('a principal refused secretsmanager:GetSecretValue; ThrottlingException', async () => {
    expect(
      await refusal(sm({ credentials: denied }).send(new GetSecretValueCommand({ SecretId: 'prod/db' }))),
    ).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    // DescribeSecret is its own action, not refused to that principal.
    await sm({ credentials: denied }).send(new DescribeSecretCommand({ SecretId: 'prod/db' }));
    sim.addFault({ service: 'secretsmanager', operation: 'GetSecretValue', kind: 'throttle' });
    expect(await refusal(sm().send(new GetSecretValueCommand({ SecretId: 'prod/db' })))).toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('SSM DescribeParameters', () => {
  const ssm = (o: { credentials?: typeof denied; region?: string } = {}) =>
    new SSMClient({ region: 'us-east-1', maxAttempts: 1, ...o });

  test("lists the account's parameters ten at a time by default, never the public ones", async () => {
    const first = await ssm().send(new DescribeParametersCommand({}));
    expect(first.Parameters).toHaveLength(10);
    expect(first.NextToken).toEqual(expect.any(String));
    const names: string[] = [];
    for await (const page of paginateDescribeParameters({ client: ssm() }, {})) {
      names.push(...page.Parameters!.map((p) => p.Name!));
    }
    expect(names).toHaveLength(25);
    expect(names.some((n) => n.startsWith('/aws/'))).toBe(false);
    expect(names).not.toContain('/app/eu/only');
    // The public parameters are still there for GetParameter.
    await ssm().send(
      new GetParameterCommand({
        Name: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
      }),
    );
  });

  test('filters by Name, Type and Path; metadata with ARN, KeyId and tier', async () => {
    const secure = await ssm().send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }],
        MaxResults: 50,
      }),
    );
    expect(secure.Parameters).toEqual([
      {
        Name: '/app/prod/db/password',
        ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/prod/db/password`,
        Type: 'SecureString',
        KeyId: 'alias/aws/ssm',
        LastModifiedDate: expect.any(Date),
        Version: 1,
        Tier: 'Standard',
        Policies: [],
        DataType: 'text',
      },
    ]);
    const byName = await ssm().send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/app/prod/p1'] }],
        MaxResults: 50,
      }),
    );
    expect(byName.Parameters!.map((p) => p.Name)).toEqual(ownParameters.slice(10, 20).map((p) => p.name));
    const oneLevel = await ssm().send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Path', Values: ['/app/prod/db'] }],
        MaxResults: 50,
      }),
    );
    expect(oneLevel.Parameters!.map((p) => p.Name)).toEqual(['/app/prod/db/password']);
    const legacy = await ssm().send(
      new DescribeParametersCommand({ Filters: [{ Key: 'Type', Values: ['StringList'] }], MaxResults: 50 }),
    );
    expect(legacy.Parameters!.map((p) => p.Name)).toEqual(['/app/prod/hosts']);
  });

  test('a filtered page can be empty and still carry a NextToken: callers must page', async () => {
    const page = await ssm().send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Values: ['/app/prod/hosts'] }],
        MaxResults: 5,
      }),
    );
    expect(page.Parameters).toEqual([]);
    expect(page.NextToken).toEqual(expect.any(String));
    const found: string[] = [];
    for await (const p of paginateDescribeParameters(
      { client: ssm(), pageSize: 5 },
      { ParameterFilters: [{ Key: 'Name', Values: ['/app/prod/hosts'] }] },
    )) {
      found.push(...p.Parameters!.map((x) => x.Name!));
    }
    expect(found).toEqual(['/app/prod/hosts']);
  });

  test("refusals: the shape (MaxResults 51), both filter kinds, the service's filter checks", async () => {
    expect(await refusal(ssm().send(new DescribeParametersCommand({ MaxResults: 51 })))).toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '51' at 'MaxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    });
    expect(
      await refusal(
        ssm().send(
          new DescribeParametersCommand({
            Filters: [{ Key: 'Name', Values: ['/app'] }],
            ParameterFilters: [{ Key: 'Name', Values: ['/app'] }],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'ValidationException',
      message: 'You can use either Filters or ParameterFilters in a single request.',
    });
    expect(
      await refusal(
        ssm().send(
          new DescribeParametersCommand({
            ParameterFilters: [{ Key: 'Name', Option: 'EndsWith', Values: ['x'] }],
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidFilterOption',
      message:
        'The following filter option is not valid: EndsWith. Valid options include: [BeginsWith, Equals, Contains].',
    });
    expect(
      await refusal(
        ssm().send(
          new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Values: ['/aws/service'] }] }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationException' });
    expect(
      await refusal(
        ssm().send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Label', Values: ['x'] }] })),
      ),
    ).toMatchObject({ name: 'InvalidFilterKey' });
    expect(await refusal(ssm().send(new DescribeParametersCommand({ NextToken: 'bm9wZQ==' })))).toMatchObject(
      {
        name: 'InvalidNextToken',
      },
    );
  });

  test('a principal refused ssm:DescribeParameters; throttling', async () => {
    expect(await refusal(ssm({ credentials: denied }).send(new DescribeParametersCommand({})))).toMatchObject(
      {
        name: 'AccessDeniedException',
      },
    );
    sim.addFault({ service: 'ssm', operation: 'DescribeParameters', kind: 'throttle' });
    expect(await refusal(ssm().send(new DescribeParametersCommand({})))).toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('CloudWatch Logs DescribeLogGroups', () => {
  const logs = (o: { credentials?: typeof denied } = {}) =>
    new CloudWatchLogsClient({ region: 'us-east-1', maxAttempts: 1, ...o });

  test('by prefix, ASCII-sorted, with both ARN forms', async () => {
    const out = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    expect(out.logGroups).toEqual([
      {
        logGroupName: '/ecs/api',
        creationTime: expect.any(Number),
        metricFilterCount: 0,
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/api:*`,
        storedBytes: 0,
        kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k2',
        logGroupClass: 'STANDARD',
        logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/api`,
      },
      expect.objectContaining({ logGroupName: '/ecs/web', retentionInDays: 30 }),
    ]);
    expect(out.nextToken).toBeUndefined();
  });

  test('by pattern (a case-sensitive substring): only arn, creationTime and logGroupName', async () => {
    const out = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'DataLogs' }));
    expect(out.logGroups).toEqual([
      {
        logGroupName: '/aws/lambda/DataLogs',
        creationTime: expect.any(Number),
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/DataLogs:*`,
      },
    ]);
    const lower = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'datalogs' }));
    expect(lower.logGroups).toEqual([]);
  });

  test('by identifiers; pages with limit and nextToken', async () => {
    const out = await logs().send(
      new DescribeLogGroupsCommand({
        logGroupIdentifiers: [
          '/ecs/web',
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/batch/job-1`,
          '/ecs/eu',
        ],
      }),
    );
    expect(out.logGroups!.map((g) => g.logGroupName)).toEqual(['/batch/job-1', '/ecs/web']);
    const names: string[] = [];
    for await (const page of paginateDescribeLogGroups({ client: logs(), pageSize: 2 }, {})) {
      names.push(...page.logGroups!.map((g) => g.logGroupName!));
    }
    expect(names).toEqual([
      '/aws/lambda/DataLogs',
      '/batch/job-0',
      '/batch/job-1',
      '/batch/job-2',
      '/batch/job-3',
      '/batch/job-4',
      '/ecs/api',
      '/ecs/web',
    ]);
    expect(sim.calls('DescribeLogGroups')).toHaveLength(5);
  });

  test('refusals: limit out of range, prefix with pattern', async () => {
    expect(await refusal(logs().send(new DescribeLogGroupsCommand({ limit: 51 })))).toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(
      await refusal(
        logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs', logGroupNamePattern: 'web' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  });

  test('a principal refused logs:DescribeLogGroups; throttling', async () => {
    expect(await refusal(logs({ credentials: denied }).send(new DescribeLogGroupsCommand({})))).toMatchObject(
      {
        name: 'AccessDeniedException',
      },
    );
    sim.addFault({ service: 'logs', operation: 'DescribeLogGroups', kind: 'throttle' });
    expect(await refusal(logs().send(new DescribeLogGroupsCommand({})))).toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('S3 HeadObject (restXml)', () => {
  const s3 = (
    o: { credentials?: typeof denied; followRegionRedirects?: boolean; maxAttempts?: number } = {},
  ) => new S3Client({ region: 'us-east-1', maxAttempts: 1, ...o });

  test('the SDK sends path-style requests to the IP endpoint; 200 with the object headers', async () => {
    const out = await s3().send(new HeadObjectCommand({ Bucket: 'config', Key: 'app/prod.env' }));
    expect(out).toMatchObject({
      ContentLength: 4,
      ContentType: 'text/plain',
      ETag: `"${createHash('md5').update('A=1\n').digest('hex')}"`,
      LastModified: expect.any(Date),
      ServerSideEncryption: 'AES256',
    });
    expect(out.LastModified!.getUTCMilliseconds()).toBe(0);
    expect(sim.requests[0]).toMatchObject({
      service: 's3',
      operation: 'HeadObject',
      params: { Bucket: 'config', Key: 'app/prod.env' },
      status: 200,
    });
    const raw = await s3().send(new HeadObjectCommand({ Bucket: 'config', Key: 'raw' }));
    expect(raw).toMatchObject({
      ContentLength: 0,
      ContentType: 'binary/octet-stream',
      ETag: '"d41d8cd98f00b204e9800998ecf8427e"',
    });
  });

  test('a missing key or bucket: 404 with no body, which the SDK calls NotFound', async () => {
    for (const input of [
      { Bucket: 'config', Key: 'nope' },
      { Bucket: 'no-such-bucket', Key: 'x' },
    ]) {
      expect(await refusal(s3().send(new HeadObjectCommand(input)))).toMatchObject({
        name: 'NotFound',
        $metadata: { httpStatusCode: 404 },
      });
    }
    expect(sim.requests.map((r) => r.error)).toEqual(['NoSuchKey', 'NoSuchBucket']);
    const res = await fetch(`${sim.endpoint}/config/nope`, {
      method: 'HEAD',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=AKIASIMULATOR/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('');
  });

  test('refused s3:GetObject: 403; refused s3:ListBucket: 403 for a missing key instead of 404', async () => {
    expect(
      await refusal(
        s3({ credentials: denied }).send(new HeadObjectCommand({ Bucket: 'config', Key: 'raw' })),
      ),
    ).toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(sim.requests[0]).toMatchObject({ error: 'AccessDenied', status: 403 });
    const noList = s3({ credentials: { accessKeyId: 'AKIANOLIST', secretAccessKey: 'x' } });
    expect(await noList.send(new HeadObjectCommand({ Bucket: 'config', Key: 'raw' }))).toMatchObject({
      ContentLength: 0,
    });
    expect(
      await refusal(noList.send(new HeadObjectCommand({ Bucket: 'config', Key: 'nope' }))),
    ).toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
  });

  test('a bucket in another region: 301 with x-amz-bucket-region; the SDK follows it only when asked', async () => {
    const moved = await refusal(s3().send(new HeadObjectCommand({ Bucket: 'eu-config', Key: 'app.env' })));
    expect(moved.$metadata.httpStatusCode).toBe(301);
    expect(moved.$response!.headers['x-amz-bucket-region']).toBe('eu-west-1');
    const out = await s3({ followRegionRedirects: true }).send(
      new HeadObjectCommand({ Bucket: 'eu-config', Key: 'app.env' }),
    );
    expect(out.ContentLength).toBe(3);
    expect(sim.calls('HeadObject').map((c) => [c.region, c.status])).toEqual([
      ['us-east-1', 301],
      ['us-east-1', 301],
      ['eu-west-1', 200],
    ]);
  });

  test('the shape: partNumber out of range is InvalidArgument (400); a bad bucket name InvalidBucketName', async () => {
    expect(
      await refusal(s3().send(new HeadObjectCommand({ Bucket: 'config', Key: 'raw', PartNumber: 0 }))),
    ).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(sim.requests[0]).toMatchObject({ error: 'InvalidArgument' });
    expect(await refusal(s3().send(new HeadObjectCommand({ Bucket: 'Bad_Bucket', Key: 'x' })))).toMatchObject(
      {
        $metadata: { httpStatusCode: 400 },
      },
    );
    expect(sim.requests[1]).toMatchObject({ error: 'InvalidBucketName' });
  });

  test('throttling is SlowDown 503, which the SDK retries', async () => {
    sim.addFault({ service: 's3', operation: 'HeadObject', kind: 'throttle', count: 1 });
    const out = await s3({ maxAttempts: 3 }).send(new HeadObjectCommand({ Bucket: 'config', Key: 'raw' }));
    expect(out.ContentLength).toBe(0);
    expect(sim.calls('HeadObject').map((c) => [c.status, c.error])).toEqual([
      [503, 'SlowDown'],
      [200, undefined],
    ]);
  });
});
