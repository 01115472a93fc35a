/**
 * `npm run demo`: starts the local AWS simulator and runs the built actions end to end against it, as a
 * GitHub runner would, printing what a user would see. Needs no AWS account and no Docker.
 * The chain so far: ECR login; the AMI refresh (resolve parent → move recipe → build → AMIs); and
 * the pull-request check of the task definitions; render → verify against the account (and a tag never
 * pushed, refused in seconds) → deploy → follow the rollout, once to success
 * and once to a failure the step explains, then a blue/green deployment through CodeDeploy, an ECS
 * blue/green deployment that pauses at test traffic, is tested and continued, and one whose alarm rolls
 * it back.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DescribeServiceDeploymentsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { type RunResult, runAction } from '../test/harness/runner.js';
import { type Simulator, simulatorEnv, startSimulator } from '../test/simulator/server.js';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function show(title: string, result: RunResult, sim: Simulator, from: number): void {
  console.log(`\n${bold(`▶ ${title}`)}  ${dim(`exit ${result.exitCode}`)}`);
  for (const line of result.stdout.split('\n')) {
    if (!line.trim()) continue;
    // The runner hides ::add-mask:: lines and replaces masked values by ***; the demo does the same.
    if (line.startsWith('::add-mask::')) continue;
    let shown = line;
    for (const m of result.masks) shown = shown.split(m).join('***');
    console.log(
      `  ${shown.replace(/^::(error|warning|notice)[^:]*::/, (_, k: string) => `${k.toUpperCase()}: `)}`,
    );
  }
  const outputs = Object.entries(result.outputs).map(
    ([k, v]) => `  ${k} = ${result.masks.includes(v) ? '***' : v}`,
  );
  if (outputs.length) console.log(`${dim('  outputs:')}\n${outputs.join('\n')}`);
  // Repeated calls (polling, retries) are shown once with a count.
  const calls: string[] = [];
  let last = '';
  let count = 0;
  for (const r of sim.requests.slice(from)) {
    const text = `${r.service}:${r.operation} ${r.region} → ${r.error ?? r.status}`;
    if (text === last) {
      count++;
      continue;
    }
    if (last) calls.push(count > 1 ? `${last} ×${count}` : last);
    last = text;
    count = 1;
  }
  if (last) calls.push(count > 1 ? `${last} ×${count}` : last);
  console.log(`${dim('  AWS calls:')} ${calls.join(', ') || 'none'}`);
  if (result.post) {
    const post = result.post.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('::'));
    console.log(`${dim('  post step:')} ${post.join(' ') || '(nothing to do)'}`);
  }
}

const sim = await startSimulator({
  scenario: join(import.meta.dirname, '..', 'test', 'simulator', 'scenarios', 'demo.json'),
});
const noDocker = dirname(process.execPath); // a daemonless runner: the config file is used
const env = { ...simulatorEnv(sim, 'us-east-1'), PATH: noDocker };
let failures = 0;
try {
  console.log(
    bold(`ecs-shipyard demo — AWS simulator at ${sim.endpoint} (no AWS account, no Docker needed)`),
  );
  console.log(
    dim('The scenario throttles the first two GetAuthorizationToken calls; watch them being retried.'),
  );

  let from = sim.requests.length;
  const login = await runAction('ecr-login', {
    inputs: { registries: '111122223333\n444455556666.dkr.ecr.eu-west-1.amazonaws.com' },
    env,
    post: false,
  });
  show('ecr-login: two registries, two regions, Docker config file', login, sim, from);
  const config = JSON.parse(await readFile(join(login.dir, '.docker', 'config.json'), 'utf8')) as {
    auths: object;
  };
  console.log(`${dim('  ~/.docker/config.json now has:')} ${Object.keys(config.auths).join(', ')}`);
  if (login.exitCode !== 0) failures++;

  from = sim.requests.length;
  const publicLogin = await runAction('ecr-login', { inputs: { 'registry-type': 'public' }, env });
  show('ecr-login: ECR Public, then the post step logs out', publicLogin, sim, from);
  if (publicLogin.exitCode !== 0) failures++;

  from = sim.requests.length;
  const bad = await runAction('ecr-login', { inputs: { registries: '12345678901' }, env });
  show('ecr-login with a bad input (an account ID that lost its leading zero to YAML)', bad, sim, from);
  if (bad.exitCode === 0) failures++;

  from = sim.requests.length;
  const denied = await runAction('ecr-login', { env: { ...env, AWS_ACCESS_KEY_ID: 'AKIADENIED' } });
  show('ecr-login with credentials that lack ecr:GetAuthorizationToken', denied, sim, from);
  if (denied.exitCode === 0) failures++;

  // The AMI chain: resolve the newest ECS-optimized parent, move the recipe, build, print the AMIs.
  const pipeline = 'arn:aws:imagebuilder:us-east-1:111122223333:image-pipeline/ecs-node';
  from = sim.requests.length;
  const resolved = await runAction('resolve-ecs-image', { inputs: { 'compare-to': pipeline }, env });
  show(
    'resolve-ecs-image: the newest Amazon Linux 2023 ECS-optimized parent, compared with the pipeline',
    resolved,
    sim,
    from,
  );
  if (resolved.exitCode !== 0 || resolved.outputs['changed'] !== 'true') failures++;

  from = sim.requests.length;
  const built = await runAction('image-pipeline', {
    inputs: { pipeline, 'parent-image': resolved.outputs['parent-image'] ?? '', 'poll-interval': '1s' },
    env: { ...env, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1' },
  });
  show('image-pipeline: move the recipe to that parent, build, wait', built, sim, from);
  if (built.exitCode !== 0) failures++;
  const amis = JSON.parse(built.outputs['amis'] ?? '[]') as { region: string; image: string }[];
  console.log(
    `${dim('  AMIs by region:')}\n${amis.map((a) => `    ${a.region.padEnd(16)} ${a.image}`).join('\n')}`,
  );

  // The new AMI reaches the cluster: launch template version, instance refresh, every instance checked.
  from = sim.requests.length;
  const rolled = await runAction('rollout-ecs-ami', {
    inputs: { ami: built.outputs['amis'] ?? '', cluster: 'prod', 'poll-interval': '1s' },
    env: { ...env, GITHUB_RUN_ID: '4242', GITHUB_REPOSITORY: 'acme/platform' },
  });
  show(
    "rollout-ecs-ami: this region's AMI into the cluster's capacity provider, refreshed and verified",
    rolled,
    sim,
    from,
  );
  if (rolled.outputs['status'] !== 'Successful' || rolled.outputs['instances-replaced'] !== '4') failures++;

  from = sim.requests.length;
  const again = await runAction('resolve-ecs-image', { inputs: { 'compare-to': pipeline }, env });
  show('resolve-ecs-image the next night: nothing changed, nothing to build', again, sim, from);
  if (again.outputs['changed'] !== 'false') failures++;

  // The deploy chain: render the new image into the task definition, deploy, follow the rollout.
  const workspace = await mkdtemp(join(tmpdir(), 'demo-workspace-'));
  await writeFile(
    join(workspace, 'web.json'),
    JSON.stringify((sim.scenario.ecs?.taskDefinitions ?? [])[0], null, 2),
  );
  // The pull-request check first: the definition as committed, judged offline (no AWS call).
  await writeFile(
    join(workspace, 'task-definition-typo.json'),
    JSON.stringify({ ...(sim.scenario.ecs?.taskDefinitions ?? [])[0], cpu: '256', memory: '4096' }, null, 2),
  );
  from = sim.requests.length;
  const checked = await runAction('validate-task-definitions', {
    inputs: { files: 'web.json\ntask-definition-typo.json' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'validate-task-definitions: the pull-request check, offline (a wrong Fargate size fails it)',
    checked,
    sim,
    from,
  );
  if (checked.exitCode !== 1 || checked.outputs['errors'] !== '1') failures++;

  // A template whose image the pipeline fills: the pull-request check allows it (one notice); the check
  // before deploying, on what will be registered, refuses it while the image is still blank.
  const template = (sim.scenario.ecs?.taskDefinitions ?? [])[0] as { containerDefinitions: object[] };
  await writeFile(
    join(workspace, 'task-definition-template.json'),
    JSON.stringify(
      { ...template, containerDefinitions: template.containerDefinitions.map((c) => ({ ...c, image: '' })) },
      null,
      2,
    ),
  );
  from = sim.requests.length;
  const onPr = await runAction('validate-task-definitions', {
    inputs: { files: 'task-definition-template.json' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'validate-task-definitions on a pull request: a template with a blank image passes (one notice)',
    onPr,
    sim,
    from,
  );
  if (onPr.exitCode !== 0 || onPr.outputs['errors'] !== '0') failures++;
  from = sim.requests.length;
  const preDeploy = await runAction('validate-task-definitions', {
    inputs: { files: 'task-definition-template.json', placeholders: 'error' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'validate-task-definitions before deploying (placeholders: error): the blank image is refused',
    preDeploy,
    sim,
    from,
  );
  if (preDeploy.exitCode !== 1) failures++;

  // What build-and-push does before it builds (the build itself needs Docker, which the demo does not).
  from = sim.requests.length;
  const repository = await runAction('ecr-repository', {
    inputs: { repository: 'team/api', 'mutable-tags': 'buildcache' },
    env,
  });
  show(
    'ecr-repository: the repository a build pushes to, created with scan on push and immutable tags (cache tag exempt)',
    repository,
    sim,
    from,
  );
  if (repository.outputs['created'] !== 'true') failures++;

  from = sim.requests.length;
  const rendered = await runAction('render-task-definition', {
    inputs: {
      'task-definition': 'web.json',
      container: 'web',
      image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/web:2026-11-21',
      environment: 'RELEASE=2026-11-21',
    },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show('render-task-definition: the new image and a RELEASE variable', rendered, sim, from);
  if (rendered.exitCode !== 0) failures++;

  // What only the account knows, before anything is registered: the rendered image exists (for the task's
  // platform), the execution role may pull it and write the log group, and what the deploy changes.
  from = sim.requests.length;
  const verified = await runAction('verify-task-definition', {
    inputs: { 'task-definition': rendered.outputs['task-definition'] ?? '', cluster: 'prod', service: 'web' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'verify-task-definition: checked against the account, with the diff of what the deploy changes',
    verified,
    sim,
    from,
  );
  if (verified.exitCode !== 0 || verified.outputs['changed'] !== 'true') failures++;
  await writeFile(
    join(workspace, 'web-typo.json'),
    (await readFile(rendered.outputs['task-definition'] ?? '', 'utf8')).replace(
      'web:2026-11-21',
      'web:2026-11-12',
    ),
  );
  from = sim.requests.length;
  const unpushed = await runAction('verify-task-definition', {
    inputs: { 'task-definition': 'web-typo.json', cluster: 'prod', service: 'web' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'verify-task-definition: a tag that was never pushed fails in seconds, not in a rollout',
    unpushed,
    sim,
    from,
  );
  if (unpushed.exitCode !== 1 || unpushed.outputs['errors'] !== '1') failures++;

  from = sim.requests.length;
  const deployed = await runAction('.', {
    inputs: { 'task-definition': rendered.outputs['task-definition'] ?? '', cluster: 'prod', service: 'web' },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'deploy: register the changed definition, update the service, follow the rollout',
    deployed,
    sim,
    from,
  );
  if (deployed.outputs['status'] !== 'SUCCESSFUL') failures++;

  from = sim.requests.length;
  const broken = await runAction('.', {
    inputs: {
      'task-definition': rendered.outputs['task-definition'] ?? '',
      cluster: 'prod',
      service: 'web',
      'force-new-deployment': 'true',
    },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show('deploy again: this rollout fails, and the step says why', broken, sim, from);
  if (broken.outputs['status'] !== 'ROLLBACK_SUCCESSFUL' || broken.exitCode === 0) failures++;

  from = sim.requests.length;
  const blueGreen = await runAction('.', {
    inputs: {
      'task-definition': rendered.outputs['task-definition'] ?? '',
      cluster: 'prod',
      service: 'web-bg',
    },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'deploy to a blue/green service: the AppSpec made from the service, CodeDeploy followed through its lifecycle events',
    blueGreen,
    sim,
    from,
  );
  if (blueGreen.outputs['status'] !== 'COMPLETED') failures++;

  // ECS's own blue/green: pause once test traffic is on the new revision, test, then continue.
  from = sim.requests.length;
  const paused = await runAction('.', {
    inputs: {
      'task-definition': rendered.outputs['task-definition'] ?? '',
      cluster: 'prod',
      service: 'shop',
      'wait-until': 'paused',
    },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'deploy with ECS blue/green: scale up, test traffic to the new revision, pause at the PAUSE hook',
    paused,
    sim,
    from,
  );
  if (paused.outputs['status'] !== 'IN_PROGRESS' || !paused.outputs['hook-id']) failures++;

  // The test a workflow runs against the test listener; here, what the test listener would reach.
  const arn = paused.outputs['service-deployment-arn'] ?? '';
  const ecs = new ECSClient({
    region: 'us-east-1',
    endpoint: sim.endpoint,
    credentials: { accessKeyId: 'AKIASIMULATOR', secretAccessKey: 'simulator-secret-key' },
  });
  const seen = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))
    .serviceDeployments?.[0]?.targetServiceRevision;
  const testOk = seen?.requestedTestTrafficWeight === 100 && seen.requestedProductionTrafficWeight === 0;
  console.log(
    `\n${bold('▶ the test job: test traffic reaches the new revision')}  ${dim(testOk ? 'passed' : 'failed')}\n  test traffic ${seen?.requestedTestTrafficWeight}% and production traffic ${seen?.requestedProductionTrafficWeight}% on the new revision`,
  );
  if (!testOk) failures++;

  from = sim.requests.length;
  const continued = await runAction('continue-deployment', {
    inputs: {
      cluster: 'prod',
      service: 'shop',
      'service-deployment-arn': arn,
      'hook-id': paused.outputs['hook-id'] ?? '',
      decision: testOk ? 'continue' : 'rollback',
    },
    env,
  });
  show(
    'continue-deployment: the test passed, so production traffic moves and the deployment ends',
    continued,
    sim,
    from,
  );
  if (continued.outputs['status'] !== 'SUCCESSFUL') failures++;

  from = sim.requests.length;
  const alarmed = await runAction('.', {
    inputs: {
      'task-definition': rendered.outputs['task-definition'] ?? '',
      cluster: 'prod',
      service: 'checkout',
    },
    env: { ...env, GITHUB_WORKSPACE: workspace },
  });
  show(
    'deploy with ECS blue/green again: an alarm goes off after the traffic shift, ECS rolls back, the step says so',
    alarmed,
    sim,
    from,
  );
  if (alarmed.exitCode === 0 || alarmed.outputs['status'] !== 'ROLLBACK_SUCCESSFUL') failures++;

  console.log(
    `\n${failures === 0 ? bold('Demo finished: every step behaved as expected.') : bold(`Demo: ${failures} step(s) did not behave as expected.`)}`,
  );
} finally {
  await sim.close();
}
process.exit(failures === 0 ? 0 : 1);
