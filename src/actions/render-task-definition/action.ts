/**
 * render-task-definition: a task definition from a file (JSON or YAML) or from ECS (a family, a revision
 * or an ARN, tags included), with images, environment variables, secrets, log configuration, labels,
 * command, cpu/memory and roles set; written under RUNNER_TEMP for the deploy step. The shell: inputs, the
 * plan (every check first), the run (an ECS client only for 'family'), the report as outputs and summary.
 */
import { defineAction } from '../../github/action.js';
import { json, list, pairs, parsed, region, text } from '../../github/inputs.js';
import { planRender } from '../../taskdef/render-plan.js';
import { runRender } from '../../taskdef/render-run.js';
import { CPU_ACCEPTED, MEMORY_ACCEPTED, parseCpu, parseMemory } from '../../taskdef/sizes.js';
import { parseCommandInput } from '../../taskdef/words.js';
import type * as AwsModule from './aws.js';

const NAME = 'render-task-definition';
const CONTAINER = /^[A-Za-z0-9_-]{1,255}$/;
const ROLE = /^(arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+|[\w+=,.@-]{1,64})$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export const inputs = {
  'task-definition': text({ accepted: 'the path of a task definition file (.json, .yaml or .yml)' }),
  family: text({
    pattern:
      /^([A-Za-z0-9_-]{1,255}(:\d+)?|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+)$/,
    accepted: 'a task definition family, family:revision, or task definition ARN',
  }),
  container: text({ pattern: CONTAINER, accepted: 'a container name (letters, digits, _ and -)' }),
  image: text({ pattern: /^\S+$/, accepted: 'an image reference without spaces' }),
  images: pairs({ key: CONTAINER, keyAccepted: 'container-name' }),
  environment: pairs({ key: /^[^=\s]+$/, keyAccepted: 'NAME' }),
  'remove-environment': list({ default: '' }),
  secrets: pairs({ key: /^[^=\s]+$/, keyAccepted: 'NAME' }),
  'remove-secrets': list({ default: '' }),
  'log-configuration': json({ shape: 'object' }),
  'docker-labels': pairs({ key: /^[^=\s]+$/, keyAccepted: 'label' }),
  command: parsed(parseCommandInput, { accepted: 'a JSON array of strings, or shell words' }),
  cpu: parsed(parseCpu, { accepted: CPU_ACCEPTED }),
  memory: parsed(parseMemory, { accepted: MEMORY_ACCEPTED }),
  'task-role-arn': text({ pattern: ROLE, accepted: 'an IAM role ARN or role name' }),
  'execution-role-arn': text({
    pattern: ROLE_ARN,
    accepted: 'an IAM role ARN (arn:aws:iam::123456789012:role/name)',
  }),
  region: region(),
};

export default defineAction({
  name: NAME,
  inputs,
  outputs: ['task-definition', 'task-definition-json'],

  async main(ctx) {
    const plan = planRender(ctx.settings, ctx.env);
    let ecs;
    if ('family' in plan.source) {
      const aws: typeof AwsModule = await import('./aws.js');
      const region = aws.resolveRegion(plan.source.region, ctx.env);
      ecs = aws.createClient(aws.ECSClient, { region, action: NAME, env: ctx.env });
    }
    const report = await runRender(plan, { ...(ecs ? { ecs } : {}), log: ctx.log });
    ctx.setOutput('task-definition', report.file);
    ctx.setOutput('task-definition-json', JSON.stringify(report.definition));
    await ctx.summary
      .addHeading(`Task definition ${report.family}`, 3)
      .addList(report.changed.length ? report.changed : ['no changes'])
      .write();
  },
});
