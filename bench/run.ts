/** `npm run bench [-- --runs N]`: the benchmarks, printed as a table. Figures are medians of one run. */
import { parseArgs } from 'node:util';
import { coldStart } from './cold-start.js';

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
console.log('variant                    median ms   min ms   × node -e 0');
for (const r of result.rows) {
  console.log(
    `${r.name.padEnd(26)} ${String(r.medianMs).padStart(9)} ${String(r.minMs).padStart(8)}   ${r.ratio.toFixed(2)}`,
  );
}
console.log(
  `dist/ecr-login bundle: ${(result.bundleBytes / 1024).toFixed(0)} KiB (${result.bundleBytes} bytes)`,
);
if (result.logins < runs) {
  console.error(
    `only ${result.logins} of ${runs + 1} full logins succeeded: the figures are not of real logins`,
  );
  process.exit(1);
}
