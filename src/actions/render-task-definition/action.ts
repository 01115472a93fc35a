/**
 * render-task-definition: a task definition from a file (JSON or YAML) or from ECS (a family, a revision
 * or an ARN, tags included), with images, environment variables, secrets, log configuration, labels,
 * command, cpu/memory and roles set; written under RUNNER_TEMP for the deploy step.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { json, list, pairs, parsed, region, text } from '../../github/inputs.js';
import { normalizeTaskDefinition } from '../../taskdef/normalize.js';
import { render } from '../../taskdef/render.js';
import { CPU_ACCEPTED, MEMORY_ACCEPTED, parseCpu, parseMemory } from '../../taskdef/sizes.js';
import { readDataFile } from '../../taskdef/source.js';
import { parseCommandInput } from '../../taskdef/words.js';

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
    const s = ctx.settings;
    if (!s['task-definition'] === !s.family) {
      throw new UserError(
        "Give either input 'task-definition' (a file) or input 'family' (read from ECS), not both and not neither.",
      );
    }
    if (s.image && !s.container)
      throw new UserError("Input 'image' needs input 'container': the container to set it on.");
    const images = { ...s.images, ...(s.image && s.container ? { [s.container]: s.image } : {}) };

    let source: unknown;
    if (s['task-definition']) {
      const workspace = ctx.env['GITHUB_WORKSPACE'] ?? process.cwd();
      const path = isAbsolute(s['task-definition'])
        ? s['task-definition']
        : join(workspace, s['task-definition']);
      source = await readDataFile(path, 'task-definition');
    } else {
      const aws = await import('./aws.js');
      const arnRegion = s.family!.startsWith('arn:') ? s.family!.split(':')[3] : undefined;
      const region = arnRegion ?? aws.resolveRegion(s.region, ctx.env);
      const client = aws.createClient(aws.ECSClient, { region, action: NAME, env: ctx.env });
      const out = await client.send(
        new aws.DescribeTaskDefinitionCommand({ taskDefinition: s.family!, include: ['TAGS'] }),
      );
      source = { taskDefinition: out.taskDefinition, tags: out.tags };
      ctx.log.info(`Read ${out.taskDefinition?.taskDefinitionArn} from ECS.`);
    }
    const { definition: base, warnings } = normalizeTaskDefinition(source);
    for (const w of warnings) ctx.log.info(w);

    const { definition, changed } = render(base, {
      images,
      ...(s.container ? { container: s.container } : {}),
      containerChanges: {
        environment: s.environment ?? {},
        removeEnvironment: s['remove-environment'],
        secrets: s.secrets ?? {},
        removeSecrets: s['remove-secrets'],
        ...(s['log-configuration']
          ? { logConfiguration: s['log-configuration'] as Record<string, unknown> }
          : {}),
        dockerLabels: s['docker-labels'] ?? {},
        ...(s.command ? { command: s.command } : {}),
      },
      ...(s.cpu ? { cpu: s.cpu } : {}),
      ...(s.memory ? { memory: s.memory } : {}),
      ...(s['task-role-arn'] ? { taskRoleArn: s['task-role-arn'] } : {}),
      ...(s['execution-role-arn'] ? { executionRoleArn: s['execution-role-arn'] } : {}),
    });
    for (const c of changed) ctx.log.info(c);
    if (changed.length === 0) ctx.log.info('Nothing to change: the task definition is written as it is.');

    const family = String(definition['family'] ?? 'task');
    const file = join(
      ctx.env['RUNNER_TEMP'] ?? tmpdir(),
      `task-definition-${family}-${randomBytes(4).toString('hex')}.json`,
    );
    const text = `${JSON.stringify(definition, null, 2)}\n`;
    await writeFile(file, text);
    ctx.setOutput('task-definition', file);
    ctx.setOutput('task-definition-json', JSON.stringify(definition));
    await ctx.summary
      .addHeading(`Task definition ${family}`, 3)
      .addList(changed.length ? changed : ['no changes'])
      .write();
  },
});
