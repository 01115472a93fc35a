/**
 * `ecs-shipyard verify FILE` and `ecs-shipyard diff FILE`: the verify-task-definition action from a laptop
 * or another CI, with the credentials and region of the shell (AWS_PROFILE, AWS_REGION …). verify prints
 * the findings; diff prints what a deploy of FILE would change in the service (or against the family's
 * latest revision). The SDK loads only for these two commands.
 */
import { parseArgs } from 'node:util';
import { explainError } from '../aws/errors.js';
import { UserError } from '../errors.js';
import { silentLogger } from '../log.js';
import { workflowCommand } from '../workflow-commands.js';
import { CHECKS_ACCEPTED, planVerify } from '../verify/plan.js';

const VERIFY_USAGE = `Usage: ecs-shipyard verify FILE|FAMILY[:REVISION]|ARN [options]
       ecs-shipyard diff   FILE|FAMILY[:REVISION]|ARN [options]

verify checks a task definition against the live account, read-only: images and their platforms, roles and
what IAM lets them do, secrets and parameters, log groups, and with --service the service's load balancers,
network and capacity providers; EFS volumes and S3 environment files. diff prints, as a unified diff, what a
deploy would change: against the revision the service runs (--service), else the family's latest.

Options:
  --cluster C     cluster name or ARN (default: default)
  --service S     the service the task definition is for
  --region R      AWS region (default: AWS_REGION, AWS_DEFAULT_REGION)
  --checks LIST   ${CHECKS_ACCEPTED}
  --format F      text | json | sarif | github (verify; default text)
  --fail-on L     error | warning (default error)

Exit codes: verify 0 clean, 1 findings at or above --fail-on; diff 0 no change, 1 changes; 2 usage, input or AWS errors.
`;

export async function verifyCommand(
  command: 'verify' | 'diff',
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cluster: { type: 'string', default: 'default' },
        service: { type: 'string' },
        region: { type: 'string' },
        checks: { type: 'string', default: 'all' },
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string', default: 'error' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${VERIFY_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return (out(VERIFY_USAGE), 0);
  const usage = (message: string) => (err(`${message}\n\n${VERIFY_USAGE}`), 2);
  if (positionals.length !== 1)
    return usage(`${command} takes one task definition (given ${positionals.length}).`);
  if (!['text', 'json', 'sarif', 'github'].includes(values.format))
    return usage(`--format ${JSON.stringify(values.format)} is not a format: text, json, sarif, github.`);
  if (!['error', 'warning'].includes(values['fail-on']))
    return usage(`--fail-on ${JSON.stringify(values['fail-on'])} is not accepted: error or warning.`);
  try {
    const plan = await planVerify(
      {
        'task-definition': positionals[0]!,
        cluster: values.cluster,
        service: values.service,
        region: values.region,
        checks: values.checks
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        'fail-on': values['fail-on'] as 'error' | 'warning',
        'sarif-file': undefined,
        'desired-count': undefined,
        'enable-ecs-managed-tags': undefined,
        'propagate-tags': undefined,
        'deployment-configuration': undefined,
        'capacity-provider-strategy': undefined,
        'load-balancers': undefined,
        'service-connect-configuration': undefined,
      },
      env,
      { ...silentLogger, warning: (m) => err(`warning: ${m}\n`) },
    );
    const aws = await import('./verify-aws.js');
    const region = aws.resolveRegion(plan.region, env);
    const report = aws.newReport(plan);
    await aws.runVerify(
      command === 'diff' ? { ...plan, checks: new Set() } : plan,
      { clients: aws.verifyClients({ region, action: 'cli', env }), region, log: silentLogger },
      report,
    );
    if (command === 'diff') {
      // No diff (the service or the revision could not be read) is trouble, not "no change".
      if (report.diff === undefined) {
        err(`No diff: ${report.findings.map((f) => f.message).join(' ') || 'nothing to compare with.'}\n`);
        return 2;
      }
      out(report.diff);
      return report.changed ? 1 : 0;
    }
    if (values.format === 'json') out(`${JSON.stringify(report, null, 2)}\n`);
    else if (values.format === 'sarif') out(`${JSON.stringify(aws.verifySarif(report), null, 2)}\n`);
    else if (values.format === 'github')
      out(
        report.findings
          .map(
            (f) =>
              `${workflowCommand(f.severity, { file: f.file, line: f.line, col: f.column, title: f.rule }, `${f.message} (${f.docs})`)}\n`,
          )
          .join(''),
      );
    else {
      for (const f of report.findings)
        out(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}\n`);
      out(
        `${report.file}: looked at ${report.looked.join(', ') || 'nothing'}; ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.notice} notice(s).\n`,
      );
    }
    return report.failing ? 1 : 0;
  } catch (error) {
    err(`${error instanceof UserError ? error.message : explainError(error)}\n`);
    return 2;
  }
}
