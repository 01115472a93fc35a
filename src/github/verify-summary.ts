/**
 * What verify-task-definition shows: the job summary (what was checked, the findings, the diff) and the
 * pull-request comment, which says the same in Markdown and is found again by its marker on each push.
 */
import type { VerifyReport } from '../verify/run.js';
import type * as core from '@actions/core';
import { escapeHtml } from './summary.js';

const verdict = (r: VerifyReport) =>
  r.outcome === 'passed'
    ? `passed${r.counts.warning + r.counts.notice ? ` with ${r.counts.warning} warning(s), ${r.counts.notice} notice(s)` : ''}`
    : r.outcome === 'failed'
      ? `failed: ${r.counts.error} error(s), ${r.counts.warning} warning(s)`
      : `did not finish${r.reason ? `: ${r.reason}` : ''}`;

const target = (r: VerifyReport) => (r.service ? `${r.cluster}/${r.service}` : r.family || r.file);

/** The comment's marker: one comment per cluster/service (or family) in a pull request. */
export const commentMarker = (r: VerifyReport) => `<!-- ecs-shipyard:verify ${target(r)} -->`;

export async function writeVerifySummary(summary: typeof core.summary, r: VerifyReport): Promise<void> {
  summary
    .addHeading(`Verify ${escapeHtml(r.file)} against ${escapeHtml(target(r))}`, 3)
    .addRaw(
      `${escapeHtml(verdict(r))}. Looked at ${escapeHtml(r.looked.join(', ') || 'nothing')} in ${escapeHtml(r.region ?? '')}; checks: ${r.checks.join(', ')}.`,
      true,
    );
  if (r.findings.length)
    summary.addTable([
      ['Line', 'Severity', 'Rule', 'Finding'].map((data) => ({ data, header: true })),
      ...r.findings.map((f) => [
        `${f.line}:${f.column}`,
        f.severity,
        `<a href="${f.docs}">${f.rule}</a>`,
        escapeHtml(f.message),
      ]),
    ]);
  if (r.diff !== undefined) {
    summary.addHeading(`What the deploy changes (against ${escapeHtml(r.against ?? '')})`, 4);
    // addCodeBlock puts the text in HTML as it is: a `<` in a command would vanish.
    if (r.diff) summary.addCodeBlock(escapeHtml(r.diff), 'diff');
    else summary.addRaw('Nothing: the task definition and the service settings are as they are now.', true);
  }
  await summary.write();
}

export function verifyComment(r: VerifyReport, runUrl?: string): string {
  const lines = [
    commentMarker(r),
    `### ecs-shipyard verify: ${r.file} → ${target(r)}`,
    '',
    `**${verdict(r)}**. Looked at ${r.looked.join(', ') || 'nothing'} in ${r.region ?? ''}${runUrl ? ` ([run](${runUrl}))` : ''}.`,
  ];
  if (r.findings.length) {
    lines.push('', '| Line | Severity | Rule | Finding |', '| --- | --- | --- | --- |');
    for (const f of r.findings)
      lines.push(
        `| ${f.line} | ${f.severity} | [${f.rule}](${f.docs}) | ${f.message.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
  }
  if (r.diff !== undefined) {
    lines.push('', `#### What the deploy changes (against \`${r.against ?? ''}\`)`, '');
    // A fence longer than any run of backticks in the diff.
    const fence = '`'.repeat(Math.max(3, ...[...(r.diff.match(/`+/g) ?? [])].map((m) => m.length + 1)));
    lines.push(
      r.diff
        ? `${fence}diff\n${r.diff.replace(/\n$/, '')}\n${fence}`
        : 'Nothing: the task definition and the service settings are as they are now.',
    );
  }
  return `${lines.join('\n')}\n`;
}
