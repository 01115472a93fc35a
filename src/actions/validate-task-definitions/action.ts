/**
 * validate-task-definitions: the pull-request check. Judges task definition files offline, as
 * RegisterTaskDefinition would, and reports every finding on its exact line (annotations, capped as
 * GitHub caps them, with the rest in the job summary), a summary table per file, and SARIF 2.1.0 for
 * code scanning. Needs no AWS account.
 */
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { annotate } from '../../github/annotations.js';
import { boolean, oneOf, parsed, text } from '../../github/inputs.js';
import { escapeHtml } from '../../github/summary.js';
import { planValidate } from '../../validate/action-plan.js';
import { runValidate, type ValidateReport } from '../../validate/action-run.js';
import { PROFILES } from '../../validate/findings.js';
import { DEFAULT_FILES } from '../../validate/run.js';

export const inputs = {
  files: parsed(
    (raw) => {
      const lines = raw
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
      return lines.length ? lines : { problem: 'paths or globs, one per line' };
    },
    { accepted: 'paths or globs, one per line', default: DEFAULT_FILES.join('\n') },
  ),
  profile: oneOf(PROFILES, { default: 'auto' }),
  'fail-on': oneOf(['error', 'warning'], { default: 'error' }),
  normalize: boolean({ default: 'false' }),
  placeholders: oneOf(['allow', 'error'], {}),
  config: text({ accepted: 'the path of a config file (default .ecs-shipyard.yml when it exists)' }),
  'sarif-file': text({ accepted: 'a path to write SARIF 2.1.0 to' }),
};

export const outputs = ['errors', 'warnings', 'notices', 'files', 'sarif-file'] as const;

/** The report as outputs. */
export function outputsOf(report: ValidateReport): Partial<Record<(typeof outputs)[number], string>> {
  const { counts, files } = report.result;
  return {
    errors: String(counts.error),
    warnings: String(counts.warning),
    notices: String(counts.notice),
    files: String(files.length),
    ...(report.sarifPath ? { 'sarif-file': report.sarifPath } : {}),
  };
}

export default defineAction({
  name: 'validate-task-definitions',
  inputs,
  outputs,

  async main(ctx) {
    const plan = planValidate(ctx.settings, ctx.env);
    const report = await runValidate(plan);
    const { result } = report;
    ctx.setOutputs(outputsOf(report));

    // Annotations on the exact line, as many of each level as GitHub shows; the summary has them all.
    for (const f of report.annotated) {
      annotate({
        level: f.severity,
        message: `${f.message} (${f.docs})`,
        title: f.rule,
        file: f.file,
        line: f.line,
        column: f.column,
      });
    }
    if (report.hidden > 0)
      ctx.log.info(
        `${report.hidden} more finding(s) than GitHub annotates on one step: the job summary and the SARIF file list every one.`,
      );
    for (const i of result.ignored)
      ctx.log.info(`${i.file}: rule ${i.rule} ignored by the config file: ${i.reason}`);

    ctx.summary
      .addHeading('Task definitions', 3)
      .addRaw(
        `${result.files.length} file(s): ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.notice} notice(s).`,
        true,
      )
      .addTable([
        ['File', 'Errors', 'Warnings', 'Notices'].map((data) => ({ data, header: true })),
        ...[...report.byFile].map(([file, f]) => [
          file,
          ...(['error', 'warning', 'notice'] as const).map((level) =>
            String(f.filter((x) => x.severity === level).length),
          ),
        ]),
      ]);
    for (const [file, found] of report.byFile) {
      if (!found.length) continue;
      ctx.summary
        .addHeading(file, 4)
        .addTable([
          ['Line', 'Severity', 'Rule', 'Finding'].map((data) => ({ data, header: true })),
          ...found.map((f) => [
            `${f.line}:${f.column}`,
            f.severity,
            `<a href="${f.docs}">${f.rule}</a>`,
            escapeHtml(f.message),
          ]),
        ]);
    }
    await ctx.summary.write();

    if (report.failing) {
      throw new UserError(
        `${report.failing} finding(s) at or above '${plan.failOn}' in ${result.files.length} file(s); each is annotated on its line (and listed in the job summary).`,
      );
    }
  },
});
