// What the CLI's verify and diff need from AWS, loaded only for those commands.
export { resolveRegion } from '../aws/client.js';
export { verifyClients } from '../verify/clients.js';
export { newReport, runVerify, verifySarif } from '../verify/run.js';
