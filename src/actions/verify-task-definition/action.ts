/**
 * verify-task-definition: before a task definition reaches production, check it against the live account
 * (read-only) — images and their platforms, roles and what IAM lets them do, secrets, log groups, the
 * service's load balancers, network and capacity, EFS and environment files — and show what the deploy
 * will change: a diff against the revision the service runs now, in the job summary and, on a pull
 * request, in one comment updated on each push.
 */
import { explainError } from '../../aws/errors.js';
import { UserError, errorMessage } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { annotate } from '../../github/annotations.js';
import { boolean, cluster, list, oneOf, region, text } from '../../github/inputs.js';
import { serviceUpdateInputs } from '../../github/service-inputs.js';
import { commentMarker, verifyComment, writeVerifySummary } from '../../github/verify-summary.js';
import { runUrl } from '../../runner-env.js';
import { annotationsOf } from '../../validate/action-run.js';
import { CHECKS_ACCEPTED, planVerify } from '../../verify/plan.js';
import type { VerifyReport } from '../../verify/run.js';
import type * as AwsModule from './aws.js';

const NAME = 'verify-task-definition';

export const inputs = {
  'task-definition': text({
    required: true,
    accepted:
      'a task definition file (JSON or YAML, rendered), or a registered family[:revision] or task definition ARN',
  }),
  cluster: cluster({ default: 'default' }),
  service: text({ pattern: /^[A-Za-z0-9_-]{1,255}$/, accepted: 'a service name (letters, digits, _ and -)' }),
  checks: list({ default: 'all', itemAccepted: CHECKS_ACCEPTED }),
  'fail-on': oneOf(['error', 'warning'], { default: 'error' }),
  'sarif-file': text({ accepted: 'a path to write SARIF 2.1.0 to' }),
  comment: boolean({ default: 'false' }),
  'github-token': text({ secret: true, accepted: 'a GitHub token (default: the job token)' }),
  ...serviceUpdateInputs,
  region: region(),
};

export const outputs = [
  'changed',
  'diff',
  'errors',
  'warnings',
  'notices',
  'sarif-file',
  'comment-url',
] as const;
type Output = (typeof outputs)[number];

export function outputsOf(report: VerifyReport): Partial<Record<Output, string>> {
  return {
    ...(report.changed !== undefined ? { changed: String(report.changed), diff: report.diff ?? '' } : {}),
    ...(report.outcome
      ? {
          errors: String(report.counts.error),
          warnings: String(report.counts.warning),
          notices: String(report.counts.notice),
        }
      : {}),
    ...(report.sarifPath ? { 'sarif-file': report.sarifPath } : {}),
  };
}

const action = defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = await planVerify(ctx.settings, ctx.env, ctx.log);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const report = aws.newReport(plan);
    try {
      await aws.runVerify(
        plan,
        {
          clients: aws.verifyClients({ region, action: NAME, env: ctx.env }),
          region,
          log: ctx.log,
          signal: ctx.signal,
          mask: (v) => ctx.setSecret(v),
        },
        report,
      );
    } catch (error) {
      report.reason ??= explainError(error);
      throw error;
    } finally {
      ctx.log.info(
        `${report.file}: looked at ${report.looked.join(', ') || 'nothing'} in ${region}; ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.notice} notice(s).`,
      );
      for (const f of annotationsOf(report.findings))
        annotate({
          level: f.severity,
          message: `${f.message} (${f.docs})`,
          title: f.rule,
          // A registered revision is no file in the repository: its findings are not placed on a line.
          ...(report.fromFile ? { file: f.file, line: f.line, column: f.column } : {}),
        });
      ctx.setOutputs(outputsOf(report));
      await writeVerifySummary(ctx.summary, report);
      if (ctx.settings.comment) await comment(ctx, report);
    }
    if (report.failing)
      throw new UserError(
        `${report.failing} finding(s) at or above '${plan.failOn}' for ${report.file}: each is annotated on its line and listed in the job summary.`,
      );
  },
});
export default action;

/** One comment per pull request and target, updated on each push; a comment that cannot be written is one warning. */
async function comment(ctx: Parameters<(typeof action)['main']>[0], report: VerifyReport): Promise<void> {
  // @actions/github (and Octokit) load only when there is a comment to write.
  const { pullRequestOf, upsertComment } = await import('../../github/pr-comment.js');
  try {
    const pr = await pullRequestOf(ctx.env);
    if (!pr)
      return ctx.log.info(
        'comment: true, but this run is not for a pull request: the diff is in the job summary only.',
      );
    const token = ctx.settings['github-token'];
    // A fork's pull_request run gets a read-only token; pull_request_target runs with the base's.
    const readOnly = pr.fork && ctx.env['GITHUB_EVENT_NAME'] === 'pull_request';
    if (!token || readOnly)
      return ctx.log.warning(
        `No pull-request comment: ${readOnly ? 'this pull request comes from a fork, whose token cannot write comments' : "input 'github-token' is empty"}; the diff is in the job summary.`,
      );
    const done = await upsertComment({
      token,
      owner: pr.owner,
      repo: pr.repo,
      number: pr.number,
      marker: commentMarker(report),
      body: verifyComment(report, runUrl(ctx.env)),
    });
    ctx.setOutput('comment-url', done.url);
    ctx.log.info(`Pull-request comment ${done.action}: ${done.url}`);
  } catch (error) {
    ctx.log.warning(
      `The pull-request comment was not written: ${errorMessage(error)} The diff is in the job summary.`,
    );
  }
}
