/**
 * verify-task-definition on a task definition with 5 containers, 10 secrets and 3 images, against the
 * simulator's account over HTTP through the real SDK clients (in this process: plan and run, as the
 * action calls them): wall time and API calls, with no added latency and with 50 ms added to every call.
 * "Serial" is what the same calls would take one after another at that latency: the floor without the
 * parallel lookups.
 */
import { inputs } from '../src/actions/verify-task-definition/action.js';
import { silentLogger } from '../src/log.js';
import { verifyClients } from '../src/verify/clients.js';
import { planVerify } from '../src/verify/plan.js';
import { newReport, runVerify } from '../src/verify/run.js';
import { settingsOf } from '../test/harness/core.js';
import { REGION, verifyScenario, webDefinition, workspaceWith } from '../test/harness/verify.js';
import { simulatorEnv, startSimulator } from '../test/simulator/server.js';
import { targetGroupArn } from '../test/simulator/services/elbv2.js';
import { median } from './cold-start.js';

export async function verifyBench(runs: number) {
  const probe = await startSimulator({ scenario: verifyScenario() });
  const arn = targetGroupArn(probe, 'web-tg');
  await probe.close();
  const sim = await startSimulator({ scenario: verifyScenario({ targetGroupArn: arn, secrets: 9 }) });
  const ws = await workspaceWith(webDefinition({ containers: 5, secrets: 10 }));
  const env = { ...simulatorEnv(sim, REGION), GITHUB_WORKSPACE: ws.dir };
  Object.assign(process.env, env);
  const rows = [];
  for (const latency of [0, 50]) {
    sim.clearFaults();
    if (latency) sim.addFault({ operation: '*', kind: 'latency', ms: latency });
    const times: number[] = [];
    let calls = 0;
    let duplicates = 0;
    let findings = 0;
    let looked: string[] = [];
    for (let i = 0; i < runs; i++) {
      sim.requests.length = 0;
      const started = process.hrtime.bigint();
      // Cold: a new plan, new clients and an empty lookup cache each run, as each step of a job has.
      const plan = await planVerify(
        settingsOf(inputs, { 'task-definition': ws.file, cluster: 'prod', service: 'web' }),
        env,
        silentLogger,
      );
      const report = newReport(plan);
      await runVerify(
        plan,
        {
          clients: verifyClients({ region: REGION, action: 'bench', env }),
          region: REGION,
          log: silentLogger,
        },
        report,
      );
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      calls = sim.requests.length;
      // ECR's layer downloads (the config blobs of single-platform images) are logged without parameters.
      const keys = sim.requests
        .filter((r) => !(r.service === 's3' && r.operation === 'GetObject'))
        .map((r) => `${r.operation} ${JSON.stringify(r.params)}`);
      duplicates = keys.length - new Set(keys).size;
      findings = report.findings.length;
      looked = report.looked;
    }
    rows.push({
      latency,
      medianMs: Math.round(median(times)),
      maxMs: Math.round(Math.max(...times)),
      calls,
      duplicates,
      findings,
      serialMs: calls * latency,
      looked,
    });
  }
  await sim.close();
  return rows;
}
