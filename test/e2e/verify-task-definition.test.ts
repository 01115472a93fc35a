// verify-task-definition run from dist as the runner runs it: annotations on the lines, outputs, the job
// summary with the diff, and one pull-request comment (a fake GitHub API) updated rather than repeated.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from '../harness/fake-github.js';
import { runAction } from '../harness/runner.js';
import { REGION, REGISTRY, verifyScenario, webDefinition, workspaceWith } from '../harness/verify.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';
import { targetGroupArn } from '../simulator/services/elbv2.js';

let sim: Simulator;
let github: FakeGitHub;
let event: string;
beforeAll(async () => {
  const probe = await startSimulator({ scenario: verifyScenario() });
  const arn = targetGroupArn(probe, 'web-tg');
  await probe.close();
  sim = await startSimulator({ scenario: verifyScenario({ targetGroupArn: arn }) });
  github = await startFakeGitHub({ tokens: { 'ghs-write': 'write', 'ghs-read': 'read' } });
  github.seed('acme/shop#7', ['LGTM']);
  event = join(await mkdtemp(join(tmpdir(), 'event-')), 'event.json');
  await writeFile(
    event,
    JSON.stringify({
      number: 7,
      pull_request: {
        number: 7,
        head: { repo: { full_name: 'acme/shop' } },
        base: { repo: { full_name: 'acme/shop' } },
      },
    }),
  );
});
afterAll(async () => {
  await sim?.close();
  await github?.close();
});

const prEnv = (token: string) => ({
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: event,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_API_URL: github.url,
  'INPUT_GITHUB-TOKEN': token,
});

test('a tag never pushed: the step fails with the finding on its line; outputs, summary and one comment, updated on the next push', async () => {
  const ws = await workspaceWith(webDefinition({ tag: '9.9.9' }));
  const run = () =>
    runAction('verify-task-definition', {
      inputs: { 'task-definition': ws.file, cluster: 'prod', service: 'web', comment: 'true' },
      env: { ...simulatorEnv(sim, REGION), GITHUB_WORKSPACE: ws.dir, ...prEnv('ghs-write') },
    });
  const r = await run();
  expect(r.errors).toEqual([
    expect.stringMatching(/tag 9\.9\.9 is not in web .*never pushed/),
    expect.stringMatching(/1 finding\(s\) at or above 'error' for task-definition\.json/),
  ]);
  // The annotation is on the image's line.
  expect(r.stdout).toMatch(
    new RegExp(`::error title=image-not-found,file=task-definition\\.json,line=${ws.lineOf('web:9.9.9')},`),
  );
  expect(r.outputs).toMatchObject({ errors: '1', warnings: '0', changed: 'true' });
  expect(r.outputs['diff']).toContain(`+      "image": "${REGISTRY}/web:9.9.9"`);
  expect(r.summary).toContain('image-not-found');
  expect(r.summary).toContain('What the deploy changes');
  const comments = () => github.issues.get('acme/shop#7')!;
  expect(comments()).toHaveLength(2);
  expect(comments()[1]!.body).toMatch(/^<!-- ecs-shipyard:verify prod\/web -->\n### ecs-shipyard verify/);
  expect(r.outputs['comment-url']).toBe(comments()[1]!.html_url);
  await run();
  expect(comments()).toHaveLength(2);
  expect(github.log.filter((l) => l.method === 'PATCH')).toHaveLength(1);
});

test('passes when everything fits; a read-only token is one warning and the step still passes', async () => {
  const ws = await workspaceWith(webDefinition());
  const r = await runAction('verify-task-definition', {
    inputs: { 'task-definition': ws.file, cluster: 'prod', service: 'web', comment: 'true' },
    env: { ...simulatorEnv(sim, REGION), GITHUB_WORKSPACE: ws.dir, ...prEnv('ghs-read') },
  });
  expect(r.errors).toEqual([]);
  expect(r.warnings).toEqual([
    expect.stringMatching(/pull-request comment was not written: .*pull-requests: write/),
  ]);
  expect(r.outputs).toMatchObject({ errors: '0', changed: 'true' });
});

test('bad input fails before any AWS call', async () => {
  sim.requests.length = 0;
  const r = await runAction('verify-task-definition', {
    inputs: { 'task-definition': 'web:1', checks: 'imagse' },
    env: simulatorEnv(sim, REGION),
  });
  expect(r.errors).toEqual([expect.stringMatching(/Input 'checks' has "imagse", which is not a check/)]);
  expect(sim.requests).toEqual([]);
});
