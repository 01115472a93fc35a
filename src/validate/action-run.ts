/**
 * validate-task-definitions' run: judge the files, write SARIF when asked, and report what the shell
 * shows — the counts, the findings per file, the ones GitHub has room to annotate, and whether the
 * step fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Finding, Severity } from './findings.js';
import type { ValidatePlan } from './action-plan.js';
import { type RunResult, toSarif, validateFiles } from './run.js';

/** GitHub shows at most this many annotations of each level per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface ValidateReport {
  result: RunResult;
  /** Every file judged, with its findings (none for a clean file), in the order judged. */
  byFile: Map<string, Finding[]>;
  /** The findings GitHub shows as annotations: the first of each level, up to its cap. */
  annotated: Finding[];
  /** How many findings are past that cap (in the summary and SARIF only). */
  hidden: number;
  sarifPath?: string;
  /** Findings at or above fail-on: any fails the step. */
  failing: number;
}

export function annotationsOf(findings: readonly Finding[], perLevel = ANNOTATIONS_PER_LEVEL): Finding[] {
  const shown: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  return findings.filter((f) => shown[f.severity]++ < perLevel);
}

export async function runValidate(plan: ValidatePlan): Promise<ValidateReport> {
  const result = await validateFiles({
    cwd: plan.cwd,
    patterns: plan.patterns,
    profile: plan.profile,
    normalize: plan.normalize,
    ...(plan.placeholders ? { placeholders: plan.placeholders } : {}),
    ...(plan.config ? { config: plan.config } : {}),
  });
  if (plan.sarifPath) {
    await mkdir(dirname(plan.sarifPath), { recursive: true });
    await writeFile(plan.sarifPath, `${JSON.stringify(toSarif(result), null, 2)}\n`);
  }
  const byFile = new Map<string, Finding[]>(result.files.map((f) => [f, []]));
  for (const f of result.findings) byFile.get(f.file)?.push(f);
  const annotated = annotationsOf(result.findings);
  return {
    result,
    byFile,
    annotated,
    hidden: result.findings.length - annotated.length,
    ...(plan.sarifPath ? { sarifPath: plan.sarifPath } : {}),
    failing: result.counts.error + (plan.failOn === 'warning' ? result.counts.warning : 0),
  };
}
