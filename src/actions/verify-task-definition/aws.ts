// What verify needs from AWS, loaded as one bundle chunk after the inputs are checked.
export { resolveRegion } from '../../aws/client.js';
export { verifyClients } from '../../verify/clients.js';
export { newReport, runVerify } from '../../verify/run.js';
