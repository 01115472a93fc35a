/**
 * validate-task-definitions: the pull-request check. Judges task definition files offline, as
 * RegisterTaskDefinition would, and reports every finding on its exact line (annotations, capped as
 * GitHub caps them, with the rest in the job summary), a summary table per file, and SARIF 2.1.0 for
 * code scanning. Needs no AWS account.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../../errors.js';
import { defineAction } from '../../github/action.js';
import { annotate } from '../../github/annotations.js';
import { escapeHtml } from '../../github/summary.js';
import { boolean, oneOf, parsed, text } from '../../github/inputs.js';
import { type Finding, PROFILES } from '../../validate/findings.js';
import { DEFAULT_FILES, toSarif, validateFiles } from '../../validate/run.js';

/** GitHub shows at most this many annotations of each level per step. */
const ANNOTATIONS_PER_LEVEL = 10;

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
  config: text({ accepted: 'the path of a config file (default .ecs-shipyard.yml when it exists)' }),
  'sarif-file': text({ accepted: 'a path to write SARIF 2.1.0 to' }),
};

export default defineAction({
  name: 'validate-task-definitions',
  inputs,
  outputs: ['errors', 'warnings', 'notices', 'files', 'sarif-file'],

  async main(ctx) {
    const s = ctx.settings;
    const workspace = ctx.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const result = await validateFiles({
      cwd: workspace,
      patterns: s.files,
      profile: s.profile,
      normalize: s.normalize,
      ...(s.config ? { config: s.config } : {}),
    });
    ctx.setOutput('errors', String(result.counts.error));
    ctx.setOutput('warnings', String(result.counts.warning));
    ctx.setOutput('notices', String(result.counts.notice));
    ctx.setOutput('files', String(result.files.length));

    // Annotations on the exact line, as many of each level as GitHub shows; the summary has them all.
    const shown = { error: 0, warning: 0, notice: 0 };
    for (const f of result.findings) {
      if (shown[f.severity]++ >= ANNOTATIONS_PER_LEVEL) continue;
      annotate({
        level: f.severity,
        message: `${f.message} (${f.docs})`,
        title: `${f.rule}`,
        file: f.file,
        line: f.line,
        column: f.column,
      });
    }
    const hidden =
      result.findings.length -
      Math.min(shown.error, 10) -
      Math.min(shown.warning, 10) -
      Math.min(shown.notice, 10);
    if (hidden > 0)
      ctx.log.info(
        `${hidden} more finding(s) than GitHub annotates on one step: the job summary and the SARIF file list every one.`,
      );
    for (const i of result.ignored)
      ctx.log.info(`${i.file}: rule ${i.rule} ignored by the config file: ${i.reason}`);

    if (s['sarif-file']) {
      const path = isAbsolute(s['sarif-file']) ? s['sarif-file'] : join(workspace, s['sarif-file']);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(toSarif(result), null, 2)}\n`);
      ctx.setOutput('sarif-file', path);
    }

    const byFile = new Map<string, Finding[]>(result.files.map((f) => [f, []]));
    for (const f of result.findings) byFile.get(f.file)?.push(f);
    ctx.summary
      .addHeading('Task definitions', 3)
      .addRaw(
        `${result.files.length} file(s): ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.notice} notice(s).`,
        true,
      )
      .addTable([
        [
          { data: 'File', header: true },
          { data: 'Errors', header: true },
          { data: 'Warnings', header: true },
          { data: 'Notices', header: true },
        ],
        ...[...byFile].map(([file, f]) => [
          file,
          String(f.filter((x) => x.severity === 'error').length),
          String(f.filter((x) => x.severity === 'warning').length),
          String(f.filter((x) => x.severity === 'notice').length),
        ]),
      ]);
    for (const [file, found] of byFile) {
      if (!found.length) continue;
      ctx.summary.addHeading(file, 4).addTable([
        [
          { data: 'Line', header: true },
          { data: 'Severity', header: true },
          { data: 'Rule', header: true },
          { data: 'Finding', header: true },
        ],
        ...found.map((f) => [
          `${f.line}:${f.column}`,
          f.severity,
          `<a href="${f.docs}">${f.rule}</a>`,
          escapeHtml(f.message),
        ]),
      ]);
    }
    await ctx.summary.write();

    const failing = result.counts.error + (s['fail-on'] === 'warning' ? result.counts.warning : 0);
    if (failing) {
      throw new UserError(
        `${failing} finding(s) at or above '${s['fail-on']}' in ${result.files.length} file(s); each is annotated on its line (and listed in the job summary).`,
      );
    }
  },
});
