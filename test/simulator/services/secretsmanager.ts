/**
 * AWS Secrets Manager (awsJson1_1), reads only: DescribeSecret and GetSecretValue over the scenario's
 * secrets (`secretsmanager.secrets`), in the caller's account, each in one region (default us-east-1).
 * Shapes follow the 2017-10-17 model (botocore's secretsmanager/2017-10-17/service-2.json).
 *
 * A SecretId is, as the API reference says of every SecretId member: the name; the complete ARN (name,
 * hyphen, six random characters); or a partial ARN without the suffix. An ARN whose name part ends in a
 * hyphen and six characters is taken as a complete ARN — so the partial ARN of a secret named like
 * `app-secret` finds nothing — and a name given with the suffix finds nothing either.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { JsonService, RequestContext, Simulator } from '../server.js';
import { str, struct } from '../shapes.js';

interface Secret {
  name: string;
  arn: string;
  region: string;
  account: string;
  kmsKeyId?: string;
  value?: string;
  versionId: string;
  deleted: boolean;
  createdAt: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The six characters Secrets Manager adds to a secret's ARN: random in AWS, derived from the name here. */
function suffix(account: string, region: string, name: string): string {
  const bytes = createHash('sha256').update(`${account}/${region}/${name}`).digest();
  return Array.from(bytes.subarray(0, 6), (b) => ALNUM[b % ALNUM.length]).join('');
}

/** A version ID (a UUID, as CreateSecret makes one when no ClientRequestToken is given). */
function versionId(arn: string): string {
  const h = createHash('sha256').update(arn).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A seeded secret's ARN, as the simulator makes it (tests write it into task definitions). */
export function secretArnOf(account: string, region: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-${suffix(account, region, name)}`;
}

function secrets(sim: Simulator, account: string): Secret[] {
  const key = `secretsmanager/${account}`;
  let state = sim.state.get(key) as Secret[] | undefined;
  if (!state) {
    state = (sim.scenario.secretsmanager?.secrets ?? []).map((s) => {
      const region = s.region ?? 'us-east-1';
      const arn = secretArnOf(account, region, s.name);
      return {
        name: s.name,
        arn,
        region,
        account,
        ...(s.kmsKeyId ? { kmsKeyId: s.kmsKeyId } : {}),
        ...(s.value !== undefined ? { value: s.value } : {}),
        versionId: versionId(arn),
        deleted: s.deleted ?? false,
        createdAt: sim.now() - 7 * 86_400_000,
      };
    });
    sim.state.set(key, state);
  }
  return state;
}

const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([^:]*):(\d{12}):secret:(.+)$/;

/** The secret a SecretId names in the caller's region and account. */
function find(ctx: RequestContext, id: string): Secret {
  const here = secrets(ctx.sim, ctx.account).filter((s) => s.region === ctx.region);
  const arn = SECRET_ARN.exec(id);
  let found: Secret | undefined;
  if (!arn) found = here.find((s) => s.name === id);
  else if (/-[A-Za-z0-9]{6}$/.test(arn[3]!)) found = here.find((s) => s.arn === id);
  else {
    // A partial ARN: the complete one without its suffix, which works while it matches one secret only.
    const matches = here.filter((s) => arn[1] === s.region && arn[2] === s.account && arn[3] === s.name);
    found = matches.length === 1 ? matches[0] : undefined;
  }
  if (!found) throw notFound();
  return found;
}

const SECRET_ID = str({ min: 1, max: 2048 });

export const secretsManagerService: JsonService = {
  protocol: 'awsJson1_1',
  name: 'secretsmanager',
  iamPrefix: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  operations: {
    DescribeSecret: {
      input: struct({ SecretId: SECRET_ID }, ['SecretId']),
      handler(input, ctx) {
        const s = find(ctx, String(input['SecretId']));
        return {
          ARN: s.arn,
          Name: s.name,
          // Present only when the secret is encrypted with a customer managed key.
          ...(s.kmsKeyId ? { KmsKeyId: s.kmsKeyId } : {}),
          LastChangedDate: s.createdAt / 1000,
          ...(s.deleted ? { DeletedDate: (ctx.now - 3_600_000) / 1000 } : {}),
          ...(s.value !== undefined ? { VersionIdsToStages: { [s.versionId]: ['AWSCURRENT'] } } : {}),
          CreatedDate: s.createdAt / 1000,
        };
      },
    },
    GetSecretValue: {
      input: struct(
        {
          SecretId: SECRET_ID,
          VersionId: str({ min: 32, max: 64 }),
          VersionStage: str({ min: 1, max: 256 }),
        },
        ['SecretId'],
      ),
      handler(input, ctx) {
        const s = find(ctx, String(input['SecretId']));
        if (s.deleted) {
          throw new AwsError(
            'InvalidRequestException',
            "You can't perform this operation on the secret because it was marked for deletion.",
          );
        }
        const wantedId = input['VersionId'] as string | undefined;
        const stage = (input['VersionStage'] as string | undefined) ?? (wantedId ? undefined : 'AWSCURRENT');
        if (wantedId !== undefined && (s.value === undefined || wantedId !== s.versionId)) {
          throw new AwsError(
            'ResourceNotFoundException',
            `Secrets Manager can't find the specified secret value for VersionId: ${wantedId}`,
          );
        }
        if (stage !== undefined && (s.value === undefined || stage !== 'AWSCURRENT')) {
          throw new AwsError(
            'ResourceNotFoundException',
            `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
          );
        }
        return {
          ARN: s.arn,
          Name: s.name,
          VersionId: s.versionId,
          SecretString: s.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: s.createdAt / 1000,
        };
      },
    },
  },
};
