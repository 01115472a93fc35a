/**
 * The semantic rules: what RegisterTaskDefinition refuses beyond the shape (in AWS's words where AWS
 * has them), what fails at run time, and security findings. Each rule has an id, a default severity,
 * a one-line title and the source it rests on; docs/validate-rules.md is generated from this list.
 */
import { isJsonObject as isObject } from '../json/parse.js';
import { cpuUnits, memoryMiB } from '../taskdef/sizes.js';
import type { Profile, Severity } from './findings.js';

type Json = Record<string, unknown>;

export interface RuleContext {
  td: Json;
  containers: Json[];
  fargate: boolean;
  windows: boolean;
  profile: Profile;
  networkMode: string;
  /** Size of the definition as sent (minified JSON), in bytes. */
  bytes: number;
  report(rule: string, pointer: string, message: string): void;
}

/** A control of another scanner or standard that checks the same thing, so code-scanning users recognise the finding. */
export interface Control {
  framework: 'AWS Security Hub' | 'AWS Config' | 'Checkov';
  /** ECS.4, ecs-containers-nonprivileged, CKV_AWS_334. */
  id: string;
  /** The control's own title, where it has one. */
  title?: string;
  url: string;
}

export interface Rule {
  id: string;
  severity: Severity;
  title: string;
  /** Where the rule comes from: the AWS page or error message it rests on. */
  source: string;
  /** Only with these profiles (default: all). */
  profiles?: readonly Profile[];
  /** The security controls this rule checks, in whole or in part. */
  controls?: readonly Control[];
  /**
   * The task-level fields whose absence (or default) the rule judges, or 'task' for the whole task
   * definition. On a file that holds only container definitions (or a fragment a later step completes),
   * absent is not absent in the task: the rule runs there only when all of them are present.
   */
  needs?: 'task' | readonly string[];
  check?(ctx: RuleContext): void;
}

const DG = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide';
// Controls as their owners name them: the Security Hub ECS controls page, the AWS Config managed rule pages,
// and Checkov's check sources (bridgecrewio/checkov checkov/terraform/checks/resource/aws/).
const hub = (n: number, title: string): Control => ({
  framework: 'AWS Security Hub',
  id: `ECS.${n}`,
  title,
  url: `https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-${n}`,
});
const config = (name: string): Control => ({
  framework: 'AWS Config',
  id: name,
  url: `https://docs.aws.amazon.com/config/latest/developerguide/${name}.html`,
});
const checkov = (n: number, check: string, title: string): Control => ({
  framework: 'Checkov',
  id: `CKV_AWS_${n}`,
  title,
  url: `https://github.com/bridgecrewio/checkov/blob/main/checkov/terraform/checks/resource/aws/${check}.py`,
});
const API = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference';
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const c = (i: number) => `/containerDefinitions/${i}`;
/**
 * Whether a parameter is set: empty values ("", [], {}) are unset, as the console and CDK write them and
 * as the official deploy action strips them before registering (this project's deploy sends them as they
 * are: see the docs). false and 0 are values, so they are set.
 */
export const isSet = (v: unknown): boolean =>
  v !== undefined &&
  v !== null &&
  v !== '' &&
  !(Array.isArray(v) && v.length === 0) &&
  !(isObject(v) && Object.keys(v).length === 0);
const label = (container: Json, i: number) =>
  typeof container['name'] === 'string' && container['name']
    ? `container "${container['name']}"`
    : `container ${i + 1}`;

/** Fargate's cpu → the memory values it takes (MiB), from the RegisterTaskDefinition `memory` docs. */
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** Template variables ({{x}}, ${x}) and the placeholders AWS's examples use (<region>, aws_account_id, 123456789012). */
const TEMPLATE = /\{\{[^}]*\}\}|\$\{[^}]*\}/;
const DOC_PLACEHOLDER = /<[A-Za-z][\w -]*>|aws_account_id|\b123456789012\b|\bX{5,12}\b/;
const PLACEHOLDER = { test: (v: string) => TEMPLATE.test(v) || DOC_PLACEHOLDER.test(v) };
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:#]*(@sha256:[0-9a-f]{64})?$/;
const SECRET_NAME = /(password|passwd|secret|token|api_?key|private_?key|access_?key|credential)/i;
const AWS_KEY = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const PRIVATE_ECR = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/.+$/;
const SECRETS_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;
const SSM_NAME = /^[A-Za-z0-9_.\-/]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const RULES: Rule[] = [
  // The file itself.
  { id: 'syntax', severity: 'error', title: 'The file is valid JSON or YAML', source: 'RFC 8259; YAML 1.2' },
  {
    id: 'duplicate-key',
    severity: 'warning',
    title: 'No key twice in one object: the last one wins, silently',
    source:
      'RFC 8259 §4 ("The names within an object SHOULD be unique"); YAML 1.2 §3.2.1.1 (mapping keys are unique)',
  },
  {
    id: 'not-a-task-definition',
    severity: 'error',
    title: 'The file holds one task definition object',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    id: 'container-definitions-only',
    severity: 'notice',
    title:
      "A file of container definitions alone (Terraform's container_definitions) is checked as containers; the task-level checks are left to the task definition it goes into",
    source:
      'registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_task_definition (container_definitions)',
  },
  {
    id: 'describe-output',
    severity: 'error',
    title: 'No fields that only DescribeTaskDefinition returns, and no nulls',
    source:
      'botocore/AWS CLI client validation ("Unknown parameter in input", "Invalid type ... value: None"); the deploy action strips them with a warning',
  },
  {
    id: 'template-placeholder',
    severity: 'notice',
    title:
      'Template placeholders (blank or missing images, ${…}, $VAR, <…>, {{…}}, %…%, REPLACE_ME) are filled at deploy time: the file is checked as if they were, with one notice (placeholders: allow) or an error each (placeholders: error)',
    source:
      'ECS refuses them unfilled: "Container.image contains invalid characters." / "Family contains invalid characters."',
  },
  {
    id: 'size-limit',
    severity: 'error',
    title: 'The whole definition is at most 64 KiB',
    source: '"Actual length: ... Max allowed length is \'65536\' bytes." (RegisterTaskDefinition)',
    needs: 'task',
    check(ctx) {
      if (ctx.bytes > 65_536)
        ctx.report(
          'size-limit',
          '',
          `The task definition is ${ctx.bytes} bytes as JSON; ECS takes at most 65536.`,
        );
      else if (ctx.bytes > 60_000)
        ctx.report(
          'size-limit',
          '',
          `The task definition is ${ctx.bytes} bytes as JSON, close to ECS's limit of 65536.`,
        );
    },
  },
  // Shape.
  {
    id: 'shape-unknown-key',
    severity: 'warning',
    title: 'Every key is a member ECS knows',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    id: 'shape-type',
    severity: 'error',
    title: 'Every value has the type ECS takes',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    id: 'shape-enum',
    severity: 'error',
    title: 'Enumerated values are ones ECS knows',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    id: 'shape-required',
    severity: 'error',
    title: 'Required members are present',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    id: 'shape-deprecated',
    severity: 'warning',
    title: 'No deprecated members',
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  // Task level.
  {
    id: 'family-name',
    severity: 'error',
    title: 'family: up to 255 letters, digits, _ and -',
    source: '"Family contains invalid characters." (RegisterTaskDefinition)',
    check(ctx) {
      const f = ctx.td['family'];
      if (typeof f === 'string' && !NAME.test(f))
        ctx.report(
          'family-name',
          '/family',
          `family ${JSON.stringify(f)}: "Family contains invalid characters." ${TEMPLATE.test(f) ? 'Render the template first.' : 'Use up to 255 letters, digits, _ and -.'}`,
        );
    },
  },
  {
    id: 'container-count',
    severity: 'error',
    title: 'One to ten containers',
    source: '"Container list cannot be empty." / "Too many containers." (RegisterTaskDefinition)',
    check(ctx) {
      const defs = ctx.td['containerDefinitions'];
      if (Array.isArray(defs) && defs.length === 0)
        ctx.report('container-count', '/containerDefinitions', '"Container list cannot be empty."');
      if (Array.isArray(defs) && defs.length > 10)
        ctx.report(
          'container-count',
          '/containerDefinitions',
          `${defs.length} containers: "Too many containers." ECS takes at most 10 per task definition.`,
        );
    },
  },
  {
    id: 'container-name',
    severity: 'error',
    title: 'Every container has a unique name of letters, digits, _ and -',
    source:
      '"Container.name should not be null or empty." / "Container names must be unique within a Task Definition."',
    check(ctx) {
      const seen = new Map<string, number>();
      ctx.containers.forEach((ct, i) => {
        const n = ct['name'];
        if (n === undefined || n === '')
          ctx.report(
            'container-name',
            c(i),
            `${label(ct, i)}: "Container.name should not be null or empty."`,
          );
        else if (typeof n === 'string' && !NAME.test(n))
          ctx.report(
            'container-name',
            `${c(i)}/name`,
            `${label(ct, i)}: "Container.name contains invalid characters."`,
          );
        if (typeof n === 'string' && seen.has(n))
          ctx.report(
            'container-name',
            `${c(i)}/name`,
            `${label(ct, i)}: "Container names must be unique within a Task Definition." (also container ${seen.get(n)! + 1})`,
          );
        if (typeof n === 'string') seen.set(n, i);
      });
    },
  },
  {
    id: 'essential-container',
    severity: 'error',
    title: 'At least one essential container (essential defaults to true)',
    source: '"Task definition doesn\'t have any essential container." (RegisterTaskDefinition)',
    check(ctx) {
      if (ctx.containers.length && ctx.containers.every((ct) => ct['essential'] === false))
        ctx.report(
          'essential-container',
          '/containerDefinitions',
          '"Task definition doesn\'t have any essential container." Leave essential out (it defaults to true) or set it true on one.',
        );
    },
  },
  {
    id: 'image-reference',
    severity: 'error',
    title: 'Every container has an image reference ECS accepts',
    source: '"Container.image should not be null or empty." / "Container.image contains invalid characters."',
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        const image = ct['image'];
        if (image === undefined || image === null) {
          ctx.report(
            'image-reference',
            c(i),
            `${label(ct, i)}: "Container.image should not be null or empty."`,
          );
          return;
        }
        if (typeof image !== 'string' || image.trim() === '') return; // the blank-image check says it
        const name = image.split('@')[0]!;
        if (!IMAGE.test(image) || name.length > 255)
          ctx.report(
            'image-reference',
            `${c(i)}/image`,
            `${label(ct, i)}: image ${JSON.stringify(image)}: "Container.image contains invalid characters." ${TEMPLATE.test(image) ? 'Render the template first (render-task-definition sets images).' : '(letters, digits, - _ : . / #, up to 255, optionally @sha256:<64 hex>)'}`,
          );
      });
    },
  },
  {
    // A value ECS does not know at all is shape-enum's finding; Fargate's awsvpc is fargate-network-mode's.
    id: 'network-mode',
    severity: 'error',
    title:
      'Windows on EC2: networkMode awsvpc, or left out for the default (nat); bridge, host and none are Linux only',
    source: `"For Amazon ECS tasks on Amazon EC2 Windows instances, <default> or awsvpc can be used." (${API}/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-networkMode; ${DG}/task-networking.html)`,
    check(ctx) {
      const mode = ctx.td['networkMode'];
      if (!ctx.windows || ctx.fargate || (mode !== 'bridge' && mode !== 'host' && mode !== 'none')) return;
      ctx.report(
        'network-mode',
        '/networkMode',
        `networkMode ${JSON.stringify(mode)} is for Linux containers: "For Amazon ECS tasks on Amazon EC2 Windows instances, <default> or awsvpc can be used." Use awsvpc, or leave networkMode out for the default (nat) network.`,
      );
    },
  },
  {
    id: 'fargate-network-mode',
    severity: 'error',
    title: 'Fargate needs awsvpc',
    source: '"Fargate only supports network mode \'awsvpc\'." (RegisterTaskDefinition)',
    needs: ['networkMode'],
    check(ctx) {
      if (ctx.fargate && ctx.networkMode !== 'awsvpc')
        ctx.report(
          'fargate-network-mode',
          ctx.td['networkMode'] !== undefined ? '/networkMode' : '',
          `"Fargate only supports network mode 'awsvpc'." This one has ${isSet(ctx.td['networkMode']) ? JSON.stringify(ctx.td['networkMode']) : 'none set (bridge)'}.`,
        );
    },
  },
  {
    id: 'fargate-cpu-memory',
    severity: 'error',
    title: 'Fargate: task cpu and memory set, and a combination Fargate offers',
    source: `${DG}/fargate-tasks-services.html#fargate-tasks-size; "Fargate requires that 'cpu' be defined at the task level."`,
    needs: ['cpu', 'memory'],
    check(ctx) {
      if (!ctx.fargate) return;
      const cpu = cpuUnits(ctx.td['cpu']);
      const mem = memoryMiB(ctx.td['memory']);
      if (!isSet(ctx.td['cpu']))
        ctx.report('fargate-cpu-memory', '', '"Fargate requires that \'cpu\' be defined at the task level."');
      if (!isSet(ctx.td['memory']))
        ctx.report(
          'fargate-cpu-memory',
          '',
          '"Fargate requires that \'memory\' be defined at the task level."',
        );
      if (cpu === undefined || mem === undefined) return;
      const sizes = FARGATE_SIZES[cpu];
      if (!sizes) {
        ctx.report(
          'fargate-cpu-memory',
          '/cpu',
          `cpu ${JSON.stringify(ctx.td['cpu'])} is not a Fargate size ("Invalid 'cpu' setting for task."): 256, 512, 1024, 2048, 4096, 8192 or 16384 units.`,
        );
        return;
      }
      if (!sizes.includes(mem))
        ctx.report(
          'fargate-cpu-memory',
          '/memory',
          `memory ${JSON.stringify(ctx.td['memory'])} does not go with cpu ${JSON.stringify(ctx.td['cpu'])} on Fargate; with ${cpu} units it takes ${sizes.length > 4 ? `${sizes[0]} to ${sizes.at(-1)} MiB in steps of ${sizes[1]! - sizes[0]!}` : sizes.join(', ')} MiB.`,
        );
      if (ctx.windows && cpu < 1024)
        ctx.report(
          'fargate-cpu-memory',
          '/cpu',
          'Windows containers on Fargate need at least 1 vCPU (1024 units).',
        );
      if (cpu > 4096 && ctx.windows)
        ctx.report('fargate-cpu-memory', '/cpu', '8 and 16 vCPU on Fargate are for Linux only.');
    },
  },
  {
    id: 'execution-role',
    severity: 'error',
    title: 'An execution role where awslogs, private ECR images or secrets need one',
    source:
      '"Fargate requires task definition to have execution role ARN to support log driver awslogs." / "... to support ECR images." / "When you are specifying container secrets, you must also specify a value for \'executionRoleArn\'."',
    needs: ['executionRoleArn'],
    check(ctx) {
      if (isSet(ctx.td['executionRoleArn'])) return;
      ctx.containers.forEach((ct, i) => {
        const log = isObject(ct['logConfiguration']) ? ct['logConfiguration'] : undefined;
        if (ctx.fargate && log?.['logDriver'] === 'awslogs')
          ctx.report(
            'execution-role',
            `${c(i)}/logConfiguration`,
            `${label(ct, i)}: "Fargate requires task definition to have execution role ARN to support log driver awslogs."`,
          );
        if (ctx.fargate && typeof ct['image'] === 'string' && PRIVATE_ECR.test(ct['image']))
          ctx.report(
            'execution-role',
            `${c(i)}/image`,
            `${label(ct, i)}: "Fargate requires task definition to have execution role ARN to support ECR images."`,
          );
        if (list(ct['secrets']).length || list(log?.['secretOptions']).length)
          ctx.report(
            'execution-role',
            `${c(i)}/${list(ct['secrets']).length ? 'secrets' : 'logConfiguration'}`,
            `${label(ct, i)}: "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."`,
          );
      });
    },
  },
  {
    id: 'role-arn',
    severity: 'warning',
    title: 'executionRoleArn is a full IAM role ARN',
    source: `${API}/API_RegisterTaskDefinition.html#ECS-RegisterTaskDefinition-request-executionRoleArn`,
    check(ctx) {
      const r = ctx.td['executionRoleArn'];
      if (typeof r === 'string' && isSet(r) && !PLACEHOLDER.test(r) && !ROLE_ARN.test(r))
        ctx.report(
          'role-arn',
          '/executionRoleArn',
          `executionRoleArn ${JSON.stringify(r)} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`,
        );
    },
  },
  {
    id: 'container-memory',
    severity: 'error',
    title:
      'Without task memory every container sets memory or memoryReservation; container memory fits the task',
    source:
      "\"Invalid setting for container 'X'. At least one of 'memory' or 'memoryReservation' must be specified.\" / \"The 'memory' setting for container 'X' is greater than for the task.\"",
    needs: ['memory'],
    check(ctx) {
      const task = memoryMiB(ctx.td['memory']);
      ctx.containers.forEach((ct, i) => {
        const name = String(ct['name'] ?? i + 1);
        const mem = typeof ct['memory'] === 'number' ? ct['memory'] : undefined;
        const res = typeof ct['memoryReservation'] === 'number' ? ct['memoryReservation'] : undefined;
        if (!isSet(ctx.td['memory']) && !mem && !res && !ctx.windows)
          ctx.report(
            'container-memory',
            c(i),
            `"Invalid setting for container '${name}'. At least one of 'memory' or 'memoryReservation' must be specified."`,
          );
        if (task !== undefined && mem !== undefined && mem > task)
          ctx.report(
            'container-memory',
            `${c(i)}/memory`,
            `"The 'memory' setting for container '${name}' is greater than for the task." (${mem} MiB > ${task} MiB)`,
          );
        if (mem !== undefined && res !== undefined && res > mem)
          ctx.report(
            'container-memory',
            `${c(i)}/memoryReservation`,
            `${label(ct, i)}: memoryReservation ${res} MiB is above memory ${mem} MiB; the soft limit must not exceed the hard limit.`,
          );
      });
    },
  },
  {
    id: 'port-mappings',
    severity: 'error',
    title:
      'Port mappings fit the network mode (awsvpc/host: hostPort equals containerPort; none: no mappings)',
    source: '"When networkMode=awsvpc, the host ports and container ports in port mappings must match."',
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        list(ct['portMappings']).forEach((pm, j) => {
          const at = `${c(i)}/portMappings/${j}`;
          const cp = pm['containerPort'];
          const hp = pm['hostPort'];
          if (typeof cp === 'number' && (cp < 1 || cp > 65535))
            ctx.report(
              'port-mappings',
              `${at}/containerPort`,
              `${label(ct, i)}: containerPort ${cp} is not a port (1-65535).`,
            );
          if (
            (ctx.networkMode === 'awsvpc' || ctx.networkMode === 'host') &&
            typeof hp === 'number' &&
            typeof cp === 'number' &&
            hp !== cp
          )
            ctx.report(
              'port-mappings',
              `${at}/hostPort`,
              `${label(ct, i)}: hostPort ${hp} != containerPort ${String(cp)}: "When networkMode=${ctx.networkMode}, the host ports and container ports in port mappings must match."`,
            );
          if (ctx.networkMode === 'none')
            ctx.report(
              'port-mappings',
              at,
              `${label(ct, i)}: networkMode none has no network, so port mappings cannot work.`,
            );
        });
      });
    },
  },
  {
    id: 'network-mode-features',
    severity: 'error',
    title: 'links only in bridge mode; no hostname with awsvpc',
    source:
      '"Links are not supported when networkMode=awsvpc." / "hostname is not supported on container when networkMode=awsvpc."',
    check(ctx) {
      const names = new Set(ctx.containers.map((x) => x['name']));
      ctx.containers.forEach((ct, i) => {
        if (strings(ct['links']).length && ctx.networkMode !== 'bridge')
          ctx.report(
            'network-mode-features',
            `${c(i)}/links`,
            `${label(ct, i)}: "Links are not supported when networkMode=${ctx.networkMode}." Links work only in bridge mode.`,
          );
        if (isSet(ct['hostname']) && ctx.networkMode === 'awsvpc')
          ctx.report(
            'network-mode-features',
            `${c(i)}/hostname`,
            `${label(ct, i)}: "hostname is not supported on container when networkMode=awsvpc."`,
          );
        for (const link of strings(ct['links']))
          if (!names.has(link.split(':')[0]))
            ctx.report(
              'network-mode-features',
              `${c(i)}/links`,
              `${label(ct, i)}: link ${JSON.stringify(link)} names no container of this task.`,
            );
      });
    },
  },
  {
    id: 'depends-on',
    severity: 'error',
    title: 'dependsOn names containers of the task, with conditions they can meet',
    source:
      '"Cannot depend on container + \'X\' because it does not exist"; COMPLETE/SUCCESS need a non-essential target; HEALTHY needs a healthCheck',
    check(ctx) {
      const byName = new Map(ctx.containers.map((x) => [x['name'], x]));
      ctx.containers.forEach((ct, i) => {
        list(ct['dependsOn']).forEach((d, j) => {
          const at = `${c(i)}/dependsOn/${j}`;
          const target = byName.get(d['containerName']);
          if (!target) {
            ctx.report(
              'depends-on',
              `${at}/containerName`,
              `${label(ct, i)}: "Cannot depend on container + '${String(d['containerName'])}' because it does not exist".`,
            );
            return;
          }
          if (
            (d['condition'] === 'COMPLETE' || d['condition'] === 'SUCCESS') &&
            target['essential'] !== false
          )
            ctx.report(
              'depends-on',
              `${at}/condition`,
              `${label(ct, i)}: a ${String(d['condition'])} dependency needs container "${String(d['containerName'])}" to be non-essential (essential: false).`,
            );
          if (
            d['condition'] === 'HEALTHY' &&
            !(isObject(target['healthCheck']) && isSet(target['healthCheck']))
          )
            ctx.report(
              'depends-on',
              `${at}/condition`,
              `${label(ct, i)}: a HEALTHY dependency needs a healthCheck on container "${String(d['containerName'])}".`,
            );
          if (d['containerName'] === ct['name'])
            ctx.report('depends-on', `${at}/containerName`, `${label(ct, i)} depends on itself.`);
        });
      });
    },
  },
  {
    id: 'volumes',
    severity: 'error',
    title: 'mountPoints name declared volumes; volumesFrom names containers; volume names unique',
    source: `${API}/API_MountPoint.html (sourceVolume "must match the name of a volume")`,
    needs: ['volumes'],
    check(ctx) {
      const volumes = list(ctx.td['volumes']);
      const names = new Set<unknown>();
      volumes.forEach((v, k) => {
        if (names.has(v['name']))
          ctx.report(
            'volumes',
            `/volumes/${k}/name`,
            `volume ${JSON.stringify(v['name'])} is declared twice.`,
          );
        names.add(v['name']);
      });
      const containers = new Set(ctx.containers.map((x) => x['name']));
      ctx.containers.forEach((ct, i) => {
        list(ct['mountPoints']).forEach((m, j) => {
          if (typeof m['sourceVolume'] === 'string' && !names.has(m['sourceVolume']))
            ctx.report(
              'volumes',
              `${c(i)}/mountPoints/${j}/sourceVolume`,
              `${label(ct, i)}: mountPoints.sourceVolume ${JSON.stringify(m['sourceVolume'])} is not declared in volumes${names.size ? ` (they are ${[...names].map((n) => JSON.stringify(n)).join(', ')})` : ''}.`,
            );
        });
        list(ct['volumesFrom']).forEach((v, j) => {
          if (!containers.has(v['sourceContainer']))
            ctx.report(
              'volumes',
              `${c(i)}/volumesFrom/${j}/sourceContainer`,
              `${label(ct, i)}: volumesFrom names ${JSON.stringify(v['sourceContainer'])}, which is not a container of this task.`,
            );
        });
      });
    },
  },
  {
    id: 'efs-encryption',
    severity: 'error',
    title:
      'EFS: transit encryption with IAM authorization or an access point; no root directory with an access point',
    source: `${API}/API_EFSVolumeConfiguration.html; ${API}/API_EFSAuthorizationConfig.html`,
    controls: [
      hub(18, 'ECS Task Definitions should use in-transit encryption for EFS volumes'),
      config('ecs-task-definition-efs-encryption-enabled'),
      checkov(
        97,
        'ECSTaskDefinitionEFSVolumeEncryption',
        'Ensure Encryption in transit is enabled for EFS volumes in ECS Task definitions',
      ),
    ],
    check(ctx) {
      list(ctx.td['volumes']).forEach((v, k) => {
        const efs = isObject(v['efsVolumeConfiguration']) ? v['efsVolumeConfiguration'] : undefined;
        if (!efs) return;
        const auth = isObject(efs['authorizationConfig']) ? efs['authorizationConfig'] : {};
        const at = `/volumes/${k}/efsVolumeConfiguration`;
        if (
          (auth['iam'] === 'ENABLED' || isSet(auth['accessPointId'])) &&
          efs['transitEncryption'] !== 'ENABLED'
        )
          ctx.report(
            'efs-encryption',
            at,
            `volume ${JSON.stringify(v['name'])}: transitEncryption must be ENABLED when authorizationConfig uses IAM or an access point.`,
          );
        if (isSet(auth['accessPointId']) && isSet(efs['rootDirectory']) && efs['rootDirectory'] !== '/')
          ctx.report(
            'efs-encryption',
            `${at}/rootDirectory`,
            `volume ${JSON.stringify(v['name'])}: with an access point, rootDirectory must be left out or "/" (the access point sets the directory).`,
          );
      });
    },
  },
  {
    id: 'health-check',
    severity: 'warning',
    title: 'healthCheck: a CMD or CMD-SHELL command, and a timeout shorter than the interval',
    source: `${API}/API_HealthCheck.html ("The string array must start with CMD ... or CMD-SHELL")`,
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        const hc = isObject(ct['healthCheck']) ? ct['healthCheck'] : undefined;
        if (!hc) return;
        const at = `${c(i)}/healthCheck`;
        const cmd = strings(hc['command']);
        if (Array.isArray(hc['command']) && !['CMD', 'CMD-SHELL', 'NONE'].includes(cmd[0] ?? ''))
          ctx.report(
            'health-check',
            `${at}/command`,
            `${label(ct, i)}: healthCheck.command must start with "CMD" or "CMD-SHELL", e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].`,
          );
        // AWS documents no refusal of a timeout at or above the interval (its otel-collector samples use 6 and 5).
        if (
          typeof hc['timeout'] === 'number' &&
          typeof hc['interval'] === 'number' &&
          hc['timeout'] >= hc['interval']
        )
          ctx.report(
            'health-check',
            `${at}/timeout`,
            `${label(ct, i)}: healthCheck.timeout ${hc['timeout']} should be shorter than interval ${hc['interval']}.`,
          );
      });
    },
  },
  {
    id: 'health-check-range',
    severity: 'error',
    title: 'healthCheck: interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300 seconds',
    source: `${API}/API_HealthCheck.html ("You may specify between 5 and 300 seconds." and the like); RegisterTaskDefinition refuses values outside (aws/amazon-ecs-agent#1344: its test task definition's interval of 1 had to be raised "to satisfy task validation")`,
    check(ctx) {
      // AWS's words for each range, from the HealthCheck member docs.
      const bounds: [key: string, min: number, max: number, words: string][] = [
        ['interval', 5, 300, 'You may specify between 5 and 300 seconds.'],
        ['timeout', 2, 60, 'You may specify between 2 and 60 seconds.'],
        ['retries', 1, 10, 'You may specify between 1 and 10 retries.'],
        ['startPeriod', 0, 300, 'You can specify between 0 and 300 seconds.'],
      ];
      ctx.containers.forEach((ct, i) => {
        const hc = isObject(ct['healthCheck']) ? ct['healthCheck'] : undefined;
        if (!hc) return;
        for (const [key, min, max, words] of bounds) {
          const v = hc[key];
          if (typeof v === 'number' && (v < min || v > max))
            ctx.report(
              'health-check-range',
              `${c(i)}/healthCheck/${key}`,
              `${label(ct, i)}: healthCheck.${key} ${v} is outside ${min}-${max}, and ECS refuses the task definition: "${words}"`,
            );
        }
      });
    },
  },
  {
    id: 'ulimits',
    severity: 'error',
    title: 'ulimits: soft limit at most the hard limit; Fargate changes only nofile (up to 1048576)',
    source: `${API}/API_Ulimit.html`,
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        list(ct['ulimits']).forEach((u, j) => {
          const at = `${c(i)}/ulimits/${j}`;
          if (
            typeof u['softLimit'] === 'number' &&
            typeof u['hardLimit'] === 'number' &&
            u['softLimit'] > u['hardLimit']
          )
            ctx.report(
              'ulimits',
              `${at}/softLimit`,
              `${label(ct, i)}: ulimit ${String(u['name'])} softLimit ${u['softLimit']} is above hardLimit ${u['hardLimit']}.`,
            );
          if (ctx.fargate && isSet(u['name']) && u['name'] !== 'nofile')
            ctx.report(
              'ulimits',
              `${at}/name`,
              `${label(ct, i)}: on Fargate only the nofile ulimit can be changed, not ${String(u['name'])}.`,
            );
          if (
            ctx.fargate &&
            u['name'] === 'nofile' &&
            typeof u['hardLimit'] === 'number' &&
            u['hardLimit'] > 1_048_576
          )
            ctx.report('ulimits', `${at}/hardLimit`, `${label(ct, i)}: Fargate allows nofile up to 1048576.`);
        });
      });
    },
  },
  {
    id: 'secret-value-from',
    severity: 'error',
    title: 'secrets valueFrom is an SSM parameter name or ARN, or a Secrets Manager secret ARN',
    source: `${DG}/secrets-envvar-secrets-manager.html; ${DG}/secrets-envvar-ssm-paramstore.html`,
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        const log = isObject(ct['logConfiguration']) ? ct['logConfiguration'] : {};
        const all: [Json, string][] = [
          ...list(ct['secrets']).map((s, j): [Json, string] => [s, `${c(i)}/secrets/${j}`]),
          ...list(log['secretOptions']).map((s, j): [Json, string] => [
            s,
            `${c(i)}/logConfiguration/secretOptions/${j}`,
          ]),
        ];
        for (const [s, at] of all) {
          const v = s['valueFrom'];
          if (typeof v !== 'string' || PLACEHOLDER.test(v) || v.includes(':region:')) continue;
          const ok = v.startsWith('arn:') ? SSM_ARN.test(v) || SECRETS_ARN.test(v) : SSM_NAME.test(v);
          if (!ok)
            ctx.report(
              'secret-value-from',
              `${at}/valueFrom`,
              `${label(ct, i)}: secret ${JSON.stringify(s['name'])} valueFrom ${JSON.stringify(v)} is neither an SSM parameter name/ARN nor a Secrets Manager secret ARN.`,
            );
        }
      });
    },
  },
  {
    id: 'ephemeral-storage',
    severity: 'error',
    title: 'ephemeralStorage.sizeInGiB from 21 to 200',
    source: `${API}/API_EphemeralStorage.html`,
    check(ctx) {
      const e = isObject(ctx.td['ephemeralStorage']) ? ctx.td['ephemeralStorage'] : undefined;
      const size = e?.['sizeInGiB'];
      if (typeof size === 'number' && (size < 21 || size > 200))
        ctx.report(
          'ephemeral-storage',
          '/ephemeralStorage/sizeInGiB',
          `ephemeralStorage.sizeInGiB ${size} is outside 21-200.`,
        );
    },
  },
  {
    id: 'runtime-platform',
    severity: 'error',
    title: 'runtimePlatform: ARM64 only with Linux; Fargate takes Linux and Windows Server 2019/2022',
    source: `${API}/API_RuntimePlatform.html; ${DG}/task_definition_parameters.html#runtime-platform`,
    check(ctx) {
      const rp = isObject(ctx.td['runtimePlatform']) ? ctx.td['runtimePlatform'] : undefined;
      if (!rp) return;
      const os = rp['operatingSystemFamily'];
      if (rp['cpuArchitecture'] === 'ARM64' && typeof os === 'string' && isSet(os) && os !== 'LINUX')
        ctx.report(
          'runtime-platform',
          '/runtimePlatform/cpuArchitecture',
          `ARM64 runs only with operatingSystemFamily LINUX, not ${os}.`,
        );
      if (
        ctx.fargate &&
        typeof os === 'string' &&
        isSet(os) &&
        ![
          'LINUX',
          'WINDOWS_SERVER_2019_FULL',
          'WINDOWS_SERVER_2019_CORE',
          'WINDOWS_SERVER_2022_FULL',
          'WINDOWS_SERVER_2022_CORE',
        ].includes(os)
      )
        ctx.report(
          'runtime-platform',
          '/runtimePlatform/operatingSystemFamily',
          `Fargate does not run ${os}; it runs LINUX and Windows Server 2019/2022 (FULL or CORE).`,
        );
    },
  },
  {
    id: 'fargate-unsupported',
    severity: 'error',
    title: 'Fargate: no parameters Fargate does not support',
    source: `${DG}/fargate-tasks-services.html`,
    check(ctx) {
      if (!ctx.fargate) return;
      const say = (at: string, what: string) =>
        ctx.report('fargate-unsupported', at, `${what} is not supported on Fargate.`);
      if (list(ctx.td['placementConstraints']).length) say('/placementConstraints', 'placementConstraints');
      if (isSet(ctx.td['ipcMode'])) say('/ipcMode', 'ipcMode');
      if (isSet(ctx.td['pidMode']) && ctx.td['pidMode'] !== 'task')
        say('/pidMode', `pidMode ${JSON.stringify(ctx.td['pidMode'])} (only "task")`);
      list(ctx.td['volumes']).forEach((v, k) => {
        if (isSet(v['dockerVolumeConfiguration']))
          say(`/volumes/${k}/dockerVolumeConfiguration`, 'dockerVolumeConfiguration');
        if (isObject(v['host']) && isSet(v['host']['sourcePath']))
          say(`/volumes/${k}/host/sourcePath`, 'A host sourcePath volume');
      });
      ctx.containers.forEach((ct, i) => {
        for (const key of [
          'privileged',
          'links',
          'disableNetworking',
          'dnsServers',
          'dnsSearchDomains',
          'extraHosts',
          'dockerSecurityOptions',
        ])
          if (isSet(ct[key]) && ct[key] !== false) say(`${c(i)}/${key}`, `${label(ct, i)}: ${key}`);
        const lp = isObject(ct['linuxParameters']) ? ct['linuxParameters'] : {};
        for (const key of ['devices', 'sharedMemorySize', 'tmpfs', 'maxSwap', 'swappiness'])
          if (isSet(lp[key]))
            say(`${c(i)}/linuxParameters/${key}`, `${label(ct, i)}: linuxParameters.${key}`);
        const caps = isObject(lp['capabilities']) ? strings(lp['capabilities']['add']) : [];
        if (caps.some((x) => x !== 'SYS_PTRACE'))
          say(
            `${c(i)}/linuxParameters/capabilities/add`,
            `${label(ct, i)}: adding capabilities other than SYS_PTRACE`,
          );
        if (list(ct['resourceRequirements']).some((r) => r['type'] === 'GPU'))
          say(`${c(i)}/resourceRequirements`, `${label(ct, i)}: a GPU`);
        const log = isObject(ct['logConfiguration']) ? ct['logConfiguration'] : undefined;
        if (
          typeof log?.['logDriver'] === 'string' &&
          !['awslogs', 'splunk', 'awsfirelens'].includes(log['logDriver'])
        )
          say(
            `${c(i)}/logConfiguration/logDriver`,
            `${label(ct, i)}: log driver ${log['logDriver']} (Fargate takes awslogs, splunk, awsfirelens)`,
          );
        for (const key of ['startTimeout', 'stopTimeout'])
          if (typeof ct[key] === 'number' && ((ct[key] as number) > 120 || (ct[key] as number) < 2))
            ctx.report(
              'fargate-unsupported',
              `${c(i)}/${key}`,
              `${label(ct, i)}: ${key} ${String(ct[key])} is outside Fargate's 2-120 seconds.`,
            );
      });
    },
  },
  {
    id: 'log-configuration',
    severity: 'warning',
    title: 'awslogs has awslogs-group and awslogs-region; awsfirelens has a FireLens container',
    source: `${DG}/using_awslogs.html; ${DG}/using_firelens.html`,
    check(ctx) {
      const firelens = ctx.containers.some((x) => isObject(x['firelensConfiguration']));
      ctx.containers.forEach((ct, i) => {
        const log = isObject(ct['logConfiguration']) ? ct['logConfiguration'] : undefined;
        if (!log) return;
        const options = isObject(log['options']) ? log['options'] : {};
        if (log['logDriver'] === 'awslogs')
          for (const key of ['awslogs-group', 'awslogs-region'])
            if (!isSet(options[key]))
              ctx.report(
                'log-configuration',
                `${c(i)}/logConfiguration`,
                `${label(ct, i)}: the awslogs driver needs the option ${key}.`,
              );
        if (log['logDriver'] === 'awsfirelens' && !firelens)
          ctx.report(
            'log-configuration',
            `${c(i)}/logConfiguration/logDriver`,
            `${label(ct, i)}: awsfirelens needs a container with firelensConfiguration in this task.`,
          );
      });
    },
  },
  // Profiles.
  {
    id: 'windows-unsupported',
    severity: 'error',
    title: 'Windows containers: no Linux-only parameters',
    source: `${DG}/windows_task_definitions.html`,
    profiles: ['auto', 'windows', 'fargate'],
    check(ctx) {
      if (!ctx.windows) return;
      for (const key of ['pidMode', 'ipcMode'])
        if (isSet(ctx.td[key]))
          ctx.report('windows-unsupported', `/${key}`, `${key} is not supported for Windows containers.`);
      ctx.containers.forEach((ct, i) => {
        for (const key of [
          'linuxParameters',
          'user',
          'privileged',
          'readonlyRootFilesystem',
          'disableNetworking',
          'dnsServers',
          'dnsSearchDomains',
          'extraHosts',
          'links',
          'ulimits',
        ])
          if (isSet(ct[key]) && ct[key] !== false)
            ctx.report(
              'windows-unsupported',
              `${c(i)}/${key}`,
              `${label(ct, i)}: ${key} is not supported for Windows containers.`,
            );
      });
    },
  },
  {
    id: 'bottlerocket-unsupported',
    severity: 'error',
    title: 'Bottlerocket: no initProcessEnabled, EFS volumes or inference accelerators',
    source: `${DG}/ecs-bottlerocket.html (considerations)`,
    profiles: ['bottlerocket'],
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        const lp = isObject(ct['linuxParameters']) ? ct['linuxParameters'] : {};
        if (lp['initProcessEnabled'] === true)
          ctx.report(
            'bottlerocket-unsupported',
            `${c(i)}/linuxParameters/initProcessEnabled`,
            `${label(ct, i)}: Bottlerocket does not support initProcessEnabled.`,
          );
      });
      list(ctx.td['volumes']).forEach((v, k) => {
        if (isSet(v['efsVolumeConfiguration']))
          ctx.report(
            'bottlerocket-unsupported',
            `/volumes/${k}/efsVolumeConfiguration`,
            `volume ${JSON.stringify(v['name'])}: Bottlerocket does not support EFS volumes.`,
          );
      });
      if (list(ctx.td['inferenceAccelerators']).length)
        ctx.report(
          'bottlerocket-unsupported',
          '/inferenceAccelerators',
          'Bottlerocket does not support Elastic Inference accelerators.',
        );
    },
  },
  {
    id: 'outposts-unsupported',
    severity: 'error',
    title: 'Outposts: EC2 only, no Fargate',
    source: `${DG}/ecs-on-outposts.html`,
    profiles: ['outposts'],
    check(ctx) {
      if (strings(ctx.td['requiresCompatibilities']).includes('FARGATE'))
        ctx.report(
          'outposts-unsupported',
          '/requiresCompatibilities',
          'ECS on Outposts runs tasks on EC2 only: requiresCompatibilities cannot include FARGATE.',
        );
    },
  },
  // Security, warnings by default.
  {
    id: 'privileged',
    severity: 'warning',
    title: 'No privileged containers',
    source: 'AWS Config ecs-containers-nonprivileged; Security Hub ECS.4',
    controls: [
      hub(4, 'ECS containers should run as non-privileged'),
      config('ecs-containers-nonprivileged'),
      checkov(334, 'ECSContainerPrivilege', 'Ensure ECS containers should run as non-privileged'),
    ],
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        if (ct['privileged'] === true)
          ctx.report(
            'privileged',
            `${c(i)}/privileged`,
            `${label(ct, i)} runs privileged: it has root on the host.`,
          );
      });
    },
  },
  {
    id: 'host-namespaces',
    severity: 'warning',
    title: 'No host network, PID or IPC namespaces',
    source: 'Security Hub ECS.17 (host network), checkov CKV_AWS_335 (host PID)',
    controls: [
      hub(17, 'ECS task definitions should not use host network mode'),
      config('ecs-task-definition-network-mode-not-host'),
      hub(3, "ECS task definitions should not share the host's process namespace"),
      config('ecs-task-definition-pid-mode-check'),
      checkov(
        335,
        'ECSContainerHostProcess',
        "Ensure ECS task definitions should not share the host's process namespace",
      ),
    ],
    check(ctx) {
      if (ctx.td['networkMode'] === 'host')
        ctx.report(
          'host-namespaces',
          '/networkMode',
          'networkMode host shares the host network with every container.',
        );
      if (ctx.td['pidMode'] === 'host')
        ctx.report('host-namespaces', '/pidMode', 'pidMode host lets containers see the host processes.');
      if (ctx.td['ipcMode'] === 'host')
        ctx.report('host-namespaces', '/ipcMode', 'ipcMode host shares the host IPC namespace.');
    },
  },
  {
    id: 'root-user',
    severity: 'notice',
    title: 'Containers name a non-root user',
    source: 'AWS Config ecs-task-definition-nonroot-user',
    controls: [
      hub(20, 'ECS Task Definitions should configure non-root users in Linux container definitions'),
      config('ecs-task-definition-linux-user-non-root'),
      config('ecs-task-definition-nonroot-user'),
    ],
    check(ctx) {
      if (ctx.windows) return;
      ctx.containers.forEach((ct, i) => {
        const u = ct['user'];
        if (u === 'root' || u === '0' || (typeof u === 'string' && /^(root|0):/.test(u)))
          ctx.report('root-user', `${c(i)}/user`, `${label(ct, i)} runs as root.`);
      });
    },
  },
  {
    id: 'read-only-root',
    severity: 'notice',
    title: 'Read-only root file systems',
    source: 'AWS Config ecs-containers-readonly-access; Security Hub ECS.5',
    controls: [
      hub(
        5,
        'ECS task definitions should configure containers to be limited to read-only access to root filesystems',
      ),
      config('ecs-containers-readonly-access'),
      checkov(
        336,
        'ECSContainerReadOnlyRoot',
        'Ensure ECS containers are limited to read-only access to root filesystems',
      ),
    ],
    check(ctx) {
      if (ctx.windows) return;
      ctx.containers.forEach((ct, i) => {
        if (ct['readonlyRootFilesystem'] !== true)
          ctx.report(
            'read-only-root',
            c(i),
            `${label(ct, i)} can write to its root file system; set readonlyRootFilesystem: true and mount what it writes.`,
          );
      });
    },
  },
  {
    id: 'plaintext-secret',
    severity: 'warning',
    title: 'No secrets in plain environment variables',
    source: 'AWS Config ecs-no-environment-secrets; Security Hub ECS.8; trivy AVD-AWS-0036',
    controls: [
      hub(8, 'Secrets should not be passed as container environment variables'),
      config('ecs-no-environment-secrets'),
    ],
    check(ctx) {
      ctx.containers.forEach((ct, i) => {
        list(ct['environment']).forEach((e, j) => {
          const name = String(e['name'] ?? '');
          const value = String(e['value'] ?? '');
          if (AWS_KEY.test(value))
            ctx.report(
              'plaintext-secret',
              `${c(i)}/environment/${j}/value`,
              `${label(ct, i)}: ${name} holds what looks like an AWS access key ID in plain text.`,
            );
          else if (SECRET_NAME.test(name) && value && !PLACEHOLDER.test(value))
            ctx.report(
              'plaintext-secret',
              `${c(i)}/environment/${j}`,
              `${label(ct, i)}: ${name} looks like a secret in plain text; move it to "secrets" (Secrets Manager or SSM).`,
            );
        });
      });
    },
  },
  {
    id: 'task-role-is-execution-role',
    severity: 'warning',
    title: 'Task role and execution role differ',
    source: 'checkov CKV_AWS_249',
    controls: [
      checkov(
        249,
        'ECSTaskDefinitionRoleCheck',
        'Ensure that the Execution Role ARN and the Task Role ARN are different in ECS Task definitions',
      ),
    ],
    check(ctx) {
      if (isSet(ctx.td['taskRoleArn']) && ctx.td['taskRoleArn'] === ctx.td['executionRoleArn'])
        ctx.report(
          'task-role-is-execution-role',
          '/taskRoleArn',
          'taskRoleArn is the execution role: the application gets the permissions ECS uses to pull images and read secrets.',
        );
    },
  },
];

export const RULE_IDS = new Set(RULES.map((r) => r.id));
