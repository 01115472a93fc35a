/**
 * What verify-task-definition checks against the live account: one entry per finding it can make, with
 * the check (the `checks` input's name) it belongs to, and the error ECS would otherwise show — minutes
 * into a rollout, as a stopped task's reason or a failed UpdateService. docs/verify-task-definition.md is
 * generated from this table.
 */
import type { Severity } from '../validate/findings.js';

export const CHECKS = [
  'images',
  'roles',
  'permissions',
  'secrets',
  'secret-keys',
  'logs',
  'service',
  'storage',
] as const;
export type Check = (typeof CHECKS)[number];

/** `all`: every check but secret-keys, which reads secret values and is asked for by name. */
export const DEFAULT_CHECKS: readonly Check[] = CHECKS.filter((c) => c !== 'secret-keys');

export interface VerifyRule {
  id: string;
  check: Check | 'any';
  severity: Severity;
  title: string;
  /** What the deployment would say instead, as ECS words it. */
  otherwise: string;
}

export const VERIFY_RULES: readonly VerifyRule[] = [
  {
    id: 'image-not-found',
    check: 'images',
    severity: 'error',
    title: 'The image (repository, tag or digest) exists',
    otherwise:
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref …: not found',
  },
  {
    id: 'image-platform',
    check: 'images',
    severity: 'error',
    title: 'The image, or one entry of its image index, is for the OS and CPU architecture the task runs on',
    otherwise:
      'CannotPullContainerError: … image Manifest does not contain descriptor matching platform \'linux/arm64/v8\' — or the container exits at once with "exec format error"',
  },
  {
    id: 'image-unchecked',
    check: 'images',
    severity: 'notice',
    title: 'An image that could not be looked at (a registry that needs credentials, or did not answer)',
    otherwise: 'nothing until the pull: then CannotPullContainerError',
  },
  {
    id: 'role-not-found',
    check: 'roles',
    severity: 'error',
    title: 'The task execution role and the task role exist',
    otherwise:
      'RegisterTaskDefinition: ClientException: Role is not valid — or tasks stop with "ECS was unable to assume the role"',
  },
  {
    id: 'role-trust',
    check: 'roles',
    severity: 'error',
    title: 'The roles trust ecs-tasks.amazonaws.com to assume them',
    otherwise:
      "ECS was unable to assume the role '…' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions",
  },
  {
    id: 'role-permission',
    check: 'permissions',
    severity: 'error',
    title:
      'IAM (iam:SimulatePrincipalPolicy) allows the execution role to pull each ECR image, write each log group, read each secret, parameter, key and environment file, and the task role to mount each EFS file system',
    otherwise:
      'ResourceInitializationError: unable to pull secrets or registry auth: … AccessDeniedException: User: arn:aws:sts::…:assumed-role/… is not authorized to perform: secretsmanager:GetSecretValue',
  },
  {
    id: 'secret-not-found',
    check: 'secrets',
    severity: 'error',
    title:
      'Each Secrets Manager secret and SSM parameter named in secrets, secretOptions and repositoryCredentials exists',
    otherwise:
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: … ResourceNotFoundException — or "invalid ssm parameters"',
  },
  {
    id: 'secret-key',
    check: 'secret-keys',
    severity: 'error',
    title: 'A secret referenced with a JSON key holds JSON with that key (reads the value; never printed)',
    otherwise:
      'ResourceInitializationError: unable to pull secrets or registry auth: … retrieved secret from Secrets Manager did not contain json key …',
  },
  {
    id: 'log-group-missing',
    check: 'logs',
    severity: 'error',
    title: 'Each awslogs log group exists, or awslogs-create-group is true',
    otherwise:
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.',
  },
  {
    id: 'service-not-found',
    check: 'service',
    severity: 'error',
    title: 'The cluster and the service exist and are active',
    otherwise:
      'UpdateService: ClusterNotFoundException / ServiceNotFoundException / ServiceNotActiveException',
  },
  {
    id: 'target-group',
    check: 'service',
    severity: 'error',
    title:
      'Each load balancer target group exists and forwards to a container and port of this task definition, with a target type the network mode allows',
    otherwise:
      'UpdateService: InvalidParameterException: The container … does not have a container port … defined — or targets that never pass health checks',
  },
  {
    id: 'network',
    check: 'service',
    severity: 'error',
    title: "The service's subnets and security groups exist, in one VPC (the target groups' too)",
    otherwise:
      'tasks stop with "ResourceInitializationError" or the service event "… subnet … does not exist" / "security group … does not exist"',
  },
  {
    id: 'capacity-provider',
    check: 'service',
    severity: 'error',
    title: 'Each capacity provider of the strategy is associated with the cluster',
    otherwise:
      'UpdateService: InvalidParameterException: The specified capacity provider … is not in an ACTIVE state / is not associated with the cluster',
  },
  {
    id: 'platform-version',
    check: 'service',
    severity: 'error',
    title: 'The Fargate platform version is one Fargate offers for the task’s operating system',
    otherwise:
      'UpdateService: InvalidParameterException: The specified platform does not satisfy the task definition’s required capabilities',
  },
  {
    id: 'efs',
    check: 'storage',
    severity: 'error',
    title: 'Each EFS file system and access point exists, and the access point belongs to that file system',
    otherwise:
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: … Failed to resolve "fs-….efs.….amazonaws.com"',
  },
  {
    id: 'environment-file',
    check: 'storage',
    severity: 'error',
    title: 'Each environment file in S3 exists',
    otherwise:
      'ResourceInitializationError: failed to download env files: file download command: non empty error stream: … NoSuchKey',
  },
  {
    id: 'check-skipped',
    check: 'any',
    severity: 'warning',
    title:
      'A check that could not run (its read was denied, throttled past the retries, or is not offered): the IAM action to grant is named; the other checks went on',
    otherwise: 'whatever that check would have caught',
  },
];

export const VERIFY_DOC =
  'https://github.com/ecs-shipyard/ecs-shipyard/blob/main/docs/verify-task-definition.md';
export const verifyDocsFor = (rule: string) => `${VERIFY_DOC}#${rule}`;
