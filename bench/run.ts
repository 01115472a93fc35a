/** `npm run bench [-- --runs N]`: the benchmarks, printed as a table. Figures are medians of one run. */
import { parseArgs } from 'node:util';
import { buildHour } from './build-hour.js';
import { refreshForty } from './refresh-40min.js';
import { rolloutBench } from './rollout.js';
import { serviceDeploymentBench } from './service-deployments.js';
import { coldStart } from './cold-start.js';
import { validateThroughput } from './validate.js';
import { verifyBench } from './verify.js';
import { yamlLineCounts } from './yaml-lines.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) {
  console.error('--runs must be a whole number of at least 3');
  process.exit(2);
}
console.log(
  `Cold start, spawn to exit, ${runs} interleaved runs each (Node ${process.version}, ${process.platform}/${process.arch})`,
);
const result = await coldStart(runs);
console.log('variant                         median ms   min ms   × node -e 0');
for (const r of result.rows) {
  console.log(
    `${r.name.padEnd(31)} ${String(r.medianMs).padStart(9)} ${String(r.minMs).padStart(8)}   ${r.ratio.toFixed(2)}`,
  );
}
for (const [action, bytes] of Object.entries(result.sizes)) {
  console.log(`dist/${action}: ${(bytes / 1024).toFixed(0)} KiB in all (${bytes} bytes)`);
}

const hour = await buildHour(runs);
console.log(
  `\nA 60-minute image build (simulated clock, real SDK calls over HTTP), ${hour.runs} builds, poll-interval 30s:`,
);
console.log(
  `  GetImage calls per build: median ${hour.callsMedian}, max ${hour.callsMax}   (aim: at most 150)`,
);
console.log(
  `  AVAILABLE noticed after:  median ${hour.delayMedianS.toFixed(1)}s, max ${hour.delayMaxS.toFixed(1)}s   (aim: at most 30s)`,
);

const refresh = await refreshForty(runs);
console.log(
  `\nA ${refresh.refreshMinutes}-minute instance refresh (10 instances; simulated clock, real SDK calls over HTTP), ${refresh.runs} refreshes, poll-interval 30s:`,
);
console.log(
  `  DescribeInstanceRefreshes calls per refresh: median ${refresh.callsMedian}, max ${refresh.callsMax} (${refresh.callsPerHour} per hour; aim: at most 150)`,
);
console.log(
  `  Successful noticed after:  median ${refresh.delayMedianS.toFixed(1)}s, max ${refresh.delayMaxS.toFixed(1)}s   (aim: at most 30s)`,
);

const rollouts = await rolloutBench(Math.max(3, Math.min(runs, 7)));
console.log(
  '\nRollout completion noticed (simulated clock shared with both waiters, real SDK calls over HTTP):',
);
console.log(
  'rollout  waiter                                                 runs  delay median  delay max  DescribeServices calls (median)',
);
for (const r of rollouts) {
  console.log(
    `${r.rollout.padEnd(8)} ${r.waiter.padEnd(54)} ${String(r.n).padStart(4)} ${`${r.delayMedianS}s`.padStart(13)} ${`${r.delayMaxS}s`.padStart(10)} ${String(r.callsMedian).padStart(10)}`,
  );
}

const deployments = await serviceDeploymentBench(Math.max(3, Math.min(runs, 9)));
console.log(
  '\nService deployments followed to their end by deploy (simulated clock, real SDK calls over HTTP; aim: median delay at most 3s, at most one read a minute of bake):',
);
console.log(
  'kind        deployment               ends as               runs  delay median  delay max  calls (median)  reads per bake minute',
);
for (const r of deployments) {
  console.log(
    `${r.kind.padEnd(11)} ${r.name.padEnd(24)} ${r.outcome.padEnd(20)} ${String(r.n).padStart(5)} ${`${r.delayMedianS}s`.padStart(13)} ${`${r.delayMaxS}s`.padStart(10)} ${String(r.callsMedian).padStart(15)} ${r.bakeReadsPerMinute === undefined ? '' : String(r.bakeReadsPerMinute).padStart(22)}`,
  );
}

const verified = await verifyBench(Math.max(3, Math.min(runs, 9)));
console.log(
  '\nverify-task-definition, in process (real SDK calls over HTTP): 5 containers, 3 images, 10 secrets, 2 roles, 2 log groups, a service with a target group (aim: under 2 s, nothing looked up twice)',
);
console.log(
  'added latency per call  runs  wall median  wall max  API calls  repeated lookups  serial at that latency  findings',
);
for (const r of verified) {
  console.log(
    `${`${r.latency} ms`.padEnd(23)} ${String(Math.max(3, Math.min(runs, 9))).padStart(4)} ${`${r.medianMs} ms`.padStart(12)} ${`${r.maxMs} ms`.padStart(9)} ${String(r.calls).padStart(10)} ${String(r.duplicates).padStart(17)} ${`${r.serialMs} ms`.padStart(23)} ${String(r.findings).padStart(9)}`,
  );
}

const v = await validateThroughput(5);
console.log(
  `\nValidator: ${v.filesPerSecond} files/s (median of 5 passes of 10,000 files from ${v.source}, ${v.findingsPerPass} findings per pass; aim: at least 2,000)`,
);

console.log(
  '\nLines of YAML a user writes (not blank, not comments): starter template vs official actions by hand',
);
for (const r of await yamlLineCounts()) {
  console.log(
    `  ${r.useCase.padEnd(40)} ${String(r.ours).padStart(4)} vs ${String(r.byHand).padStart(4)}  (${(r.byHand / r.ours).toFixed(1)}x)`,
  );
}
