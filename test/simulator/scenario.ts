/** Scenario files: the simulator's starting state, its callers, and its faults. */
import { readFileSync } from 'node:fs';

export interface Principal {
  /** Account the caller belongs to. */
  account?: string;
  /** ARN shown in AccessDenied messages. */
  arn?: string;
  /** IAM actions this caller is refused, e.g. ecr:GetAuthorizationToken; 'secretsmanager:*' refuses a service's, '*' all. */
  deny?: string[];
  /** Every call answers ExpiredTokenException. */
  expired?: boolean;
  /** Every call answers UnrecognizedClientException. */
  unknown?: boolean;
}

export interface Fault {
  /** Service name (ecr, ecr-public, ...) or '*'. */
  service?: string;
  /** Operation name, or '*'. */
  operation: string;
  /**
   * throttle: ThrottlingException; error: a given type and status; drop: close the connection; latency:
   * delay; html: an HTML page with `status` (502), as a proxy or load balancer in the way answers.
   */
  kind: 'throttle' | 'error' | 'drop' | 'latency' | 'html';
  /** Apply to the first N matching calls (after `after` calls); default every call. */
  count?: number;
  after?: number;
  ms?: number;
  status?: number;
  type?: string;
  message?: string;
}

export interface EcrRepositorySeed {
  name: string;
  account?: string;
  region?: string;
  imageTagMutability?: string;
  /** Exclusion filters of a *_WITH_EXCLUSION repository. */
  mutableTags?: string[];
  scanOnPush?: boolean;
  createdAt?: string;
  /** Images pushed to the repository, in push order (a tag pushed again moves to the later image). */
  images?: EcrImageSeed[];
}

export interface EcrImageSeed {
  tags?: string[];
  /**
   * 'os/arch' or 'os/arch/variant', e.g. 'linux/amd64', 'linux/arm64/v8', 'windows/amd64'. Default
   * ['linux/amd64']. One → an image manifest; several → an image index over one manifest per platform.
   */
  platforms?: string[];
  /** Manifest media types: docker (schema 2 / manifest list, default) or oci (image manifest / image index). */
  format?: 'docker' | 'oci';
  pushedAt?: string;
}

export interface Scenario {
  /** The account of callers not listed in principals. */
  account?: string;
  /** Access key ID → who that caller is. */
  principals?: Record<string, Principal>;
  ecr?: {
    /** Account ID → registry settings: the endpoint GetAuthorizationToken reports, a fixed password. */
    registries?: Record<string, { endpoint?: string; password?: string }>;
    repositories?: EcrRepositorySeed[];
    /** Token lifetime in seconds (AWS: 12 hours). */
    tokenLifetimeSeconds?: number;
    pullThroughCacheRules?: {
      prefix: string;
      upstreamRegistryUrl: string;
      account?: string;
      region?: string;
    }[];
  };
  ssm?: {
    /**
     * The account's own parameters, beyond the public ones (which are always there). Without `region`
     * a parameter is in every region; `keyId` is a SecureString's KMS key (default alias/aws/ssm).
     */
    parameters?: {
      name: string;
      value: string;
      dataType?: 'text' | 'aws:ec2:image';
      /** Default String. */
      type?: 'String' | 'StringList' | 'SecureString';
      keyId?: string;
      region?: string;
    }[];
    /** Public parameters (and their sub-parameters) that are not published in this scenario. */
    withhold?: string[];
  };
  imagebuilder?: ImageBuilderScenario;
  iam?: IamScenario;
  secretsmanager?: {
    /** Secrets in the caller's account; `region` default us-east-1; `deleted`: scheduled for deletion. */
    secrets?: { name: string; region?: string; kmsKeyId?: string; value?: string; deleted?: boolean }[];
  };
  logs?: {
    /** Log groups in the caller's account (region default us-east-1) that DescribeLogGroups lists. */
    groups?: { name: string; region?: string; retentionInDays?: number; kmsKeyId?: string }[];
  };
  s3?: {
    /** Objects (and so buckets) in the caller's account; `region` is the bucket's (default us-east-1). */
    objects?: { bucket: string; key: string; body?: string; region?: string; contentType?: string }[];
  };
  ecs?: EcsScenario;
  codedeploy?: CodeDeployScenario;
  ec2?: Ec2Scenario;
  autoscaling?: AutoScalingScenario;
  elbv2?: Elbv2Scenario;
  efs?: EfsScenario;
  faults?: Fault[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface IamScenario {
  /** Roles in the caller's account (IAM is global: every region sees them). */
  roles?: {
    name: string;
    /** Default '/'. */
    path?: string;
    /** The trust policy; default: trusts the service principal ecs-tasks.amazonaws.com (sts:AssumeRole). */
    trust?: PolicyDocument;
    /** Identity policies (inline or attached), evaluated by SimulatePrincipalPolicy. */
    policies?: { name: string; document: PolicyDocument }[];
  }[];
}

/**
 * How a deployment of a service goes, on the simulator's clock (milliseconds). The stages a
 * ServiceDeployment walks through follow from the service's deployment configuration (strategy, hooks,
 * bake times); the plan says how long the work takes and what goes wrong.
 */
export type RolloutPlan =
  | ({ outcome?: 'success'; provisionMs?: number; perTaskMs?: number; drainMs?: number } & StagePlan)
  | ({
      outcome: 'fail';
      provisionMs?: number;
      perTaskMs?: number;
      stoppedReason?: string;
      stopCode?: string;
      exitCode?: number;
      containerReason?: string;
      /** Lines the failing container writes to its log (awslogs). */
      logLines?: string[];
    } & StagePlan)
  | { outcome: 'hang' };

/** What happens in the stages of a deployment beyond starting tasks. */
export interface StagePlan {
  /** How long each traffic shift and each hook-less stage takes (default 1000 ms). */
  stageMs?: number;
  /** What each Lambda hook answers, by function ARN (default SUCCEEDED after 1000 ms). */
  lambdaHooks?: Record<string, { status: 'SUCCEEDED' | 'FAILED'; ms?: number }>;
  /** A CloudWatch alarm that goes to ALARM this long after the deployment enters this lifecycle stage. */
  alarm?: { stage: string; afterMs?: number; name?: string };
  /** How the rollback goes, when there is one (default: succeeds). */
  rollback?: { outcome?: 'success' | 'fail'; ms?: number };
}

export interface EcsScenario {
  clusters?: {
    name: string;
    status?: 'ACTIVE' | 'INACTIVE';
    /** Capacity provider names (FARGATE, FARGATE_SPOT or those under capacityProviders). */
    capacityProviders?: string[];
    /** Container instances registered by hand (in no Auto Scaling group), each on this AMI. */
    standaloneInstances?: { imageId: string; count?: number }[];
  }[];
  /**
   * Capacity providers: over an Auto Scaling group (under autoscaling.groups), or of type
   * MANAGED_INSTANCES (ECS Managed Instances: AWS launches and patches the instances; `managedInstances`
   * says how many container instances it has and on which AMI).
   */
  capacityProviders?: {
    name: string;
    autoScalingGroup?: string;
    type?: 'EC2_AUTOSCALING' | 'MANAGED_INSTANCES';
    managedInstances?: { imageId: string; count?: number };
    managedScaling?: 'ENABLED' | 'DISABLED';
    managedTerminationProtection?: 'ENABLED' | 'DISABLED';
    managedDraining?: 'ENABLED' | 'DISABLED';
  }[];
  /** RegisterTaskDefinition inputs registered at start (revisions count from 1 per family). */
  taskDefinitions?: Record<string, unknown>[];
  /** How one-off tasks (RunTask) of a family go: provisioning, running, then stopping with this exit code. */
  runTasks?: Record<
    string,
    { provisionMs?: number; runMs?: number; exitCode?: number; reason?: string; logLines?: string[] }
  >;
  services?: {
    cluster: string;
    name: string;
    /** family:revision of a seeded task definition. */
    taskDefinition: string;
    desiredCount?: number;
    status?: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
    /** Default FARGATE (none when capacityProviderStrategy is given: ECS then reports no launchType). */
    launchType?: 'EC2' | 'FARGATE';
    /** Fargate only; default LATEST (the deployments report the version it resolved to). */
    platformVersion?: string;
    capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
    /** Tasks short of the desired count (a service that is not steady). */
    missingTasks?: number;
    deploymentController?: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
    circuitBreaker?: { enable: boolean; rollback: boolean };
    /** The service's deploymentConfiguration beyond the circuit breaker (strategy, hooks, bake time, alarms). */
    deploymentConfiguration?: Record<string, unknown>;
    serviceConnectConfiguration?: Record<string, unknown>;
    /**
     * UpdateService answers with the service as it was a moment before: currentServiceDeployment is still
     * the previous deployment (ecspresso saw this with deployments started close together).
     */
    staleCurrentServiceDeployment?: boolean;
    /** The ServiceDeployment calls answer UnsupportedFeatureException for this service. */
    serviceDeploymentsUnsupported?: boolean;
    /** How the next deployments go (the first plan for the first update, and so on; the last repeats). */
    rollouts?: RolloutPlan[];
    loadBalancers?: {
      targetGroupArn: string;
      containerName: string;
      containerPort: number;
      advancedConfiguration?: Record<string, unknown>;
    }[];
    networkConfiguration?: {
      awsvpcConfiguration: { subnets: string[]; securityGroups?: string[]; assignPublicIp?: string };
    };
  }[];
}

export interface Ec2Scenario {
  /** AMIs that exist (besides those of seeded launch templates and finished Image Builder builds). */
  images?: { imageId: string; region?: string; name?: string }[];
  launchTemplates?: {
    name: string;
    imageId: string;
    region?: string;
    instanceType?: string;
    /** How many versions exist already (each on imageId); default 1. */
    versions?: number;
    /** Default: the last. */
    defaultVersion?: number;
  }[];
  subnets?: { id: string; vpcId: string; region?: string; availabilityZone?: string }[];
  securityGroups?: { id: string; vpcId: string; name?: string; region?: string }[];
}

export interface Elbv2Scenario {
  targetGroups?: {
    name: string;
    region?: string;
    /** Default 80 (none for lambda). */
    port?: number;
    /** Default HTTP (none for lambda). */
    protocol?: string;
    targetType?: 'instance' | 'ip' | 'lambda' | 'alb';
    vpcId?: string;
    healthCheckPort?: string;
    healthCheckPath?: string;
    loadBalancerArns?: string[];
  }[];
}

export interface EfsScenario {
  fileSystems?: { id: string; region?: string; encrypted?: boolean; lifeCycleState?: string }[];
  accessPoints?: { id: string; fileSystemId: string; region?: string }[];
}

/** How an instance refresh goes, on the simulator's clock. */
export interface RefreshPlan {
  /** Pending before the first replacement (default 300 ms). */
  pendingMs?: number;
  /** Each batch of replacements (launch, warm-up, health checks, termination; default 1000 ms). */
  batchMs?: number;
  /** Fail when replacing instance N+1 (after N replaced), with this reason. */
  failAfterInstances?: number;
  reason?: string;
  /** How long Wait holds out for scale-in protected instances before failing (default 1 h, as AWS). */
  protectedWaitMs?: number;
}

export interface AutoScalingScenario {
  groups?: {
    name: string;
    region?: string;
    launchTemplate: string;
    /** The version the group launches: "$Default", "$Latest" or a number (default "$Default"). */
    version?: string;
    /** The template given through a mixed instances policy (Spot and On-Demand) instead. */
    mixedInstances?: boolean;
    /** Launch configuration instead of a template (legacy). */
    launchConfiguration?: string;
    instances?: number;
    /** Instances protected from scale-in (ECS managed termination protection). */
    protectedFromScaleIn?: boolean;
    /** Instances on another AMI than the template's (default: the template version's). */
    imageId?: string;
    /** How the next refreshes go; the last repeats. */
    refreshes?: RefreshPlan[];
    /** A refresh someone else started this long ago, still running. */
    running?: RefreshPlan & { startedMsAgo?: number };
  }[];
}

/** One CodeDeploy blue/green deployment of an ECS service, on the simulator's clock. */
export interface CodeDeployPlan {
  /** How long each lifecycle event takes, in ms (default 1000); hook events without a hook are skipped at once. */
  stepMs?: number;
  /** The lifecycle event that fails (BeforeInstall … AfterAllowTraffic), with what its hook reported. */
  failAt?: string;
  message?: string;
  logTail?: string;
}

export interface CodeDeployScenario {
  applications?: {
    name: string;
    groups: {
      name: string;
      cluster: string;
      service: string;
      /** Default CodeDeployDefault.ECSAllAtOnce. */
      deploymentConfigName?: string;
      /** STOP_DEPLOYMENT: the deployment stays Ready for `minutes` waiting to be continued, then stops. */
      readyWait?: { action: 'CONTINUE_DEPLOYMENT' | 'STOP_DEPLOYMENT'; minutes?: number };
      /** Minutes the original task set is kept after traffic moved (default 0). */
      terminationWaitMinutes?: number;
      /** Roll back when a deployment fails (default true). */
      autoRollback?: boolean;
      /** How the next deployments go; the last repeats. */
      plans?: CodeDeployPlan[];
    }[];
  }[];
}

/** How one pipeline's builds go: phases with durations in ms, then an outcome. */
export interface BuildTimeline {
  phases?: [status: string, durationMs: number][];
  /** AVAILABLE (default), FAILED with a reason, or HANG (stays in the last phase). */
  outcome?: 'AVAILABLE' | 'HANG' | { failed: string };
}

export interface ManagedImageSeed {
  /** Display name, e.g. "Amazon Linux 2023 ECS Optimized x86"; the ARN name is derived from it. */
  name: string;
  platform: 'Linux' | 'Windows';
  osVersion: string;
  /** Versions available, e.g. ["2025.1.29", "2025.10.3"]; each has a derived AMI per region. */
  versions: string[];
  /** Regions it exists in (default: every region). */
  regions?: string[];
}

export interface ImageBuilderScenario {
  /** Amazon-managed images; omitted: the default catalog (test/simulator/services/imagebuilder.ts). */
  managedImages?: ManagedImageSeed[];
  recipes?: {
    name: string;
    version: string;
    parentImage: string;
    region?: string;
    components?: { componentArn: string }[];
    description?: string;
  }[];
  pipelines?: {
    name: string;
    recipe: string;
    region?: string;
    status?: 'ENABLED' | 'DISABLED';
    /** Regions the distribution configuration copies the AMI to (default: the pipeline's). */
    distributionRegions?: string[];
    schedule?: { scheduleExpression: string; pipelineExecutionStartCondition?: string };
    build?: BuildTimeline;
  }[];
}

export const DEFAULT_ACCOUNT = '111122223333';

export function loadScenario(path: string): Scenario {
  return JSON.parse(readFileSync(path, 'utf8')) as Scenario;
}
