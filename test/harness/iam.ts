/**
 * A small evaluator of the IAM policies the docs give, statement by statement: which Allow statements
 * grant an action, and whether their Resource could cover the resource that call acts on (its type, as
 * the IAM Service Authorization Reference gives it; names in the docs are examples). Trust policies
 * (statements with a Principal) are not identity policies and are left out.
 */
import { iamPattern } from '../../src/aws/identifiers.js';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

/** Every identity policy in a Markdown page's ```json blocks. */
export function policiesIn(markdown: string): Statement[][] {
  const out: Statement[][] = [];
  for (const m of markdown.matchAll(/```json\n([\s\S]*?)```/g)) {
    const doc = JSON.parse(m[1]!) as { Statement?: Statement[] };
    if (!Array.isArray(doc.Statement)) continue;
    const identity = doc.Statement.filter((s) => s.Principal === undefined);
    if (identity.length) out.push(identity);
  }
  return out;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const glob = (pattern: string) => iamPattern(pattern, 'i');

/**
 * The resource type each action acts on, where the docs scope it (Service Authorization Reference).
 * An action granted by a scoped statement must be here: the check cannot judge it otherwise.
 */
export const RESOURCE_TYPES: Record<string, string> = {
  ...Object.fromEntries(
    [
      'DescribeRepositories',
      'CreateRepository',
      'BatchCheckLayerAvailability',
      'BatchGetImage',
      'GetDownloadUrlForLayer',
      'InitiateLayerUpload',
      'UploadLayerPart',
      'CompleteLayerUpload',
      'PutImage',
    ].map((a) => [`ecr:${a}`, 'repository']),
  ),
  'ecs:ListServiceDeployments': 'service',
  'ecs:DescribeServiceDeployments': 'service-deployment',
  'ecs:ContinueServiceDeployment': 'service-deployment',
  'ecs:StopServiceDeployment': 'service-deployment',
  'ecs:DescribeServiceRevisions': 'service-revision',
  'codedeploy:GetDeploymentGroup': 'deploymentgroup',
  'codedeploy:CreateDeployment': 'deploymentgroup',
  'codedeploy:GetDeployment': 'deploymentgroup',
  'codedeploy:ListDeploymentTargets': 'deploymentgroup',
  'codedeploy:GetDeploymentTarget': 'deploymentgroup',
  'codedeploy:RegisterApplicationRevision': 'application',
  'codedeploy:GetDeploymentConfig': 'deploymentconfig',
  'logs:GetLogEvents': 'log-group',
  'imagebuilder:GetImagePipeline': 'imagePipeline',
  'imagebuilder:StartImagePipelineExecution': 'imagePipeline',
  'imagebuilder:UpdateImagePipeline': 'imagePipeline',
  'imagebuilder:GetImage': 'image',
  'imagebuilder:CancelImageCreation': 'image',
  'imagebuilder:GetImageRecipe': 'imageRecipe',
  'imagebuilder:CreateImageRecipe': 'imageRecipe',
  'ssm:GetParameter': 'parameter',
  'ssm:GetParameters': 'parameter',
  'ec2:CreateLaunchTemplateVersion': 'launch-template',
  'ec2:ModifyLaunchTemplate': 'launch-template',
  'autoscaling:StartInstanceRefresh': 'autoScalingGroup',
  'autoscaling:CancelInstanceRefresh': 'autoScalingGroup',
  'iam:PassRole': 'role',
  'iam:GetRole': 'role',
  'iam:SimulatePrincipalPolicy': 'role',
  'secretsmanager:GetSecretValue': 'secret',
  's3:GetObject': 'object',
  's3:ListBucket': 'bucket',
};

/** The ARN resource types IAM uses, from the ARN's resource part (image-pipeline/x → imagePipeline). */
const ARN_TYPE: Record<string, string> = {
  'image-pipeline': 'imagePipeline',
  'image-recipe': 'imageRecipe',
};

export function resourceTypeOf(arn: string): string | undefined {
  if (arn === '*') return '*';
  // S3 ARNs name no type: arn:aws:s3:::bucket is a bucket, arn:aws:s3:::bucket/key an object.
  if (/^arn:[^:]+:s3:::/.test(arn)) return arn.split(':::')[1]!.includes('/') ? 'object' : 'bucket';
  const resource = arn.split(':').slice(5).join(':');
  const type = /^[^/:]+/.exec(resource)?.[0];
  return type ? (ARN_TYPE[type] ?? type) : undefined;
}

export interface Grant {
  statement: Statement;
  why: string;
}

/** The statements of a policy that allow `action` on a resource of its type, or why none does. */
export function grants(policy: Statement[], action: string): { granted: Grant[]; refused: string[] } {
  const granted: Grant[] = [];
  const refused: string[] = [];
  for (const statement of policy) {
    if (statement.Effect !== 'Allow') continue;
    if (!list(statement.Action).some((a) => glob(a).test(action))) continue;
    const resources = list(statement.Resource);
    const name = statement.Sid ?? JSON.stringify(statement.Action);
    if (resources.includes('*')) {
      granted.push({ statement, why: `${name}: Resource *` });
      continue;
    }
    const type = RESOURCE_TYPES[action];
    if (!type) {
      refused.push(
        `${name} scopes ${action} to ${resources.join(', ')}, whose resource type the check does not know`,
      );
      continue;
    }
    const match = resources.find((r) => resourceTypeOf(r) === type);
    if (match) granted.push({ statement, why: `${name}: ${match}` });
    else refused.push(`${name} lists ${action} but only for ${resources.join(', ')}, not a ${type}`);
  }
  return { granted, refused };
}

/** Every action a policy allows (as written: wildcards kept). */
export function allowedActions(policy: Statement[]): string[] {
  return policy.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
}
