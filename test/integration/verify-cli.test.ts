// `ecs-shipyard verify` and `ecs-shipyard diff` in process, against the simulator's account through the
// real SDK clients: what they print and their exit codes.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { main } from '../../src/cli/index.js';
import { REGION, REGISTRY, verifyScenario, webDefinition, workspaceWith } from '../harness/verify.js';
import { type Simulator, simulatorEnv, startSimulator } from '../simulator/server.js';

let sim: Simulator;
const saved = { ...process.env };
const cwd = process.cwd();
beforeAll(async () => {
  sim = await startSimulator({ scenario: verifyScenario() });
  Object.assign(process.env, simulatorEnv(sim, REGION), { AWS_MAX_ATTEMPTS: '2' });
});
afterAll(async () => {
  process.chdir(cwd);
  process.env = saved;
  await sim?.close();
});

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(
    args,
    (s) => void (out += s),
    (s) => void (err += s),
  );
  return { code, out, err };
}

test('verify prints each finding on its line and exits 1; a definition that fits exits 0', async () => {
  const bad = await workspaceWith(webDefinition({ tag: '0.0.1' }));
  process.chdir(bad.dir);
  const failed = await cli(['verify', bad.file, '--cluster', 'prod', '--checks', 'images,logs']);
  expect(failed.code).toBe(1);
  expect(failed.out).toMatch(
    new RegExp(
      `^task-definition\\.json:${bad.lineOf('web:0.0.1')}:\\d+: error image-not-found: .*tag 0\\.0\\.1`,
      'm',
    ),
  );
  expect(failed.out).toMatch(/looked at 2 images, .*1 error\(s\)/);
  const good = await workspaceWith(webDefinition());
  process.chdir(good.dir);
  const passed = await cli(['verify', good.file, '--cluster', 'prod', '--format', 'sarif']);
  expect(passed.code).toBe(0);
  expect(JSON.parse(passed.out)).toMatchObject({ version: '2.1.0', runs: [{ results: [] }] });
});

test('diff prints what a deploy would change and exits 1; the same definition exits 0; no service to compare is 2', async () => {
  const ws = await workspaceWith(webDefinition());
  process.chdir(ws.dir);
  const changed = await cli(['diff', ws.file, '--cluster', 'prod', '--service', 'web']);
  expect(changed.code).toBe(1);
  expect(changed.out).toContain(`+      "image": "${REGISTRY}/web:1.2.3"`);
  const same = await workspaceWith(webDefinition({ tag: '1.2.2' }));
  process.chdir(same.dir);
  expect(await cli(['diff', same.file, '--cluster', 'prod', '--service', 'web'])).toMatchObject({
    code: 0,
    out: '',
  });
  const none = await cli(['diff', same.file, '--cluster', 'prod', '--service', 'nope']);
  expect(none.code).toBe(2);
  expect(none.err).toMatch(/^No diff/);
});

test('usage errors exit 2 before any call', async () => {
  sim.requests.length = 0;
  expect((await cli(['verify'])).code).toBe(2);
  expect((await cli(['verify', 'a.json', '--format', 'xml'])).err).toMatch(/--format "xml" is not a format/);
  expect((await cli(['verify', 'web:1', '--checks', 'imgs'])).err).toMatch(/Input 'checks' has "imgs"/);
  expect((await cli(['verify', '--help'])).code).toBe(0);
  expect(sim.requests).toEqual([]);
});
