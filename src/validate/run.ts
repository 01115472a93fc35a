/**
 * Validating files on disk, for the action and the CLI: globs expanded (a glob that matches nothing is
 * an error, not a silent pass), the config file applied (profile per glob, severities, ignores with
 * reasons), every file read and judged, and the findings written as text, JSON, SARIF 2.1.0 or GitHub
 * workflow commands.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { UserError } from '../errors.js';
import { sarifLog } from '../sarif.js';
import { workflowCommand } from '../workflow-commands.js';
import { type ValidateConfig, readConfig } from './config.js';
import type { SourcePosition } from '../json/parse.js';
import { decodeText } from './decode.js';
import { docsFor, type Finding, type Profile, RULES_DOC, type Severity } from './findings.js';
import { RULES } from './rules.js';
import { isYamlSource, parseSource, preloadYaml } from './source.js';
import type { PlaceholderMode } from './placeholders.js';
import { validateText } from './validate.js';

export const DEFAULT_FILES = ['**/task-definition*.json', '.aws/*.json', '**/taskdef*.y*ml'];
const IGNORED_DIRS = ['**/node_modules/**', '**/.git/**'];
/** Larger files are not read: a task definition is at most 64 KiB. */
const MAX_BYTES = 1024 * 1024;

export interface RunOptions {
  cwd: string;
  patterns: readonly string[];
  profile?: Profile;
  normalize?: boolean;
  /** allow (default) or error; the option wins over the config file. */
  placeholders?: PlaceholderMode;
  /** Path of the config file; when absent, .ecs-shipyard.yml in cwd is read if it exists. */
  config?: string;
}

export interface RunResult {
  files: string[];
  findings: Finding[];
  counts: Record<Severity, number>;
  ignored: { file: string; rule: string; reason: string }[];
}

async function loadConfig(cwd: string, path: string | undefined): Promise<ValidateConfig | undefined> {
  const file = path ? (isAbsolute(path) ? path : join(cwd, path)) : join(cwd, '.ecs-shipyard.yml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!path && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    await preloadYaml();
    doc = parseSource(text, file).value;
  } catch (error) {
    throw new UserError(`The config file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  return readConfig(doc, file);
}

export async function validateFiles(options: RunOptions): Promise<RunResult> {
  const config = await loadConfig(options.cwd, options.config);
  const files: string[] = [];
  for (const pattern of options.patterns) {
    // The glob library loads only for patterns that need it; a plain path is just checked.
    const isGlob = /[*?[{]/.test(pattern);
    const matched = isGlob
      ? await (
          await import('tinyglobby')
        ).glob(pattern, { cwd: options.cwd, ignore: IGNORED_DIRS, dot: true, onlyFiles: true })
      : await stat(isAbsolute(pattern) ? pattern : join(options.cwd, pattern)).then(
          (st) => {
            if (st.isDirectory())
              throw new UserError(
                `${pattern} is a directory: give the files in it, or a glob such as ${join(pattern, '*.json')}.`,
              );
            return st.isFile() ? [pattern.replace(/^\.\//, '')] : [];
          },
          () => [],
        );
    if (!matched.length && !isGlob) {
      throw new UserError(`${pattern} does not exist (paths are relative to ${options.cwd}).`);
    }
    files.push(...matched);
  }
  const unique = [...new Set(files)].sort();
  if (!unique.length) {
    throw new UserError(
      `No file matches ${options.patterns.map((p) => JSON.stringify(p)).join(', ')} in ${options.cwd}: nothing was validated. Give the task definition files' paths or globs.`,
    );
  }
  const findings: Finding[] = [];
  const ignored: RunResult['ignored'] = [];
  const picomatch =
    config?.files.length || config?.ignore.length ? (await import('picomatch')).default : undefined;
  const matches = (glob: string, file: string) => picomatch!(glob, { dot: true })(file);
  for (const file of unique) {
    const path = isAbsolute(file) ? file : join(options.cwd, file);
    // The action and the CLI always pass a profile ('auto' by default) and a normalize flag: 'auto' and
    // false leave the decision to the config file, which is the more specific statement.
    const profile =
      config?.files.find((f) => f.profile && matches(f.match, file))?.profile ??
      (options.profile && options.profile !== 'auto' ? options.profile : undefined) ??
      config?.profile ??
      options.profile;
    const fragment = config?.files.find((f) => f.fragment !== undefined && matches(f.match, file))?.fragment;
    const ignore = (config?.ignore ?? []).filter((i) => matches(i.files, file));
    // What keeps a file from being judged is one finding for that file; the run goes on.
    const whole = (rule: string, message: string, at?: SourcePosition) =>
      findings.push({
        file,
        line: at?.line ?? 1,
        column: at?.column ?? 1,
        rule,
        severity: 'error',
        message,
        pointer: '',
        docs: docsFor(rule),
      });
    const tooLarge = (size: number) =>
      whole(
        'size-limit',
        `The file is ${(size / 1048576).toFixed(1)} MiB (${size} bytes), over the ${MAX_BYTES / 1048576} MiB the validator reads, so it was not read; a task definition is at most 64 KiB.`,
      );
    let bytes: Buffer;
    try {
      const size = (await stat(path)).size;
      if (size > MAX_BYTES) {
        tooLarge(size);
        continue;
      }
      bytes = await readFile(path);
    } catch (error) {
      whole('syntax', `Cannot read the file: ${(error as Error).message}`);
      continue;
    }
    // It may have grown since stat.
    if (bytes.length > MAX_BYTES) {
      tooLarge(bytes.length);
      continue;
    }
    const decoded = decodeText(bytes);
    if ('problem' in decoded) {
      whole('syntax', decoded.problem, decoded.position);
      continue;
    }
    const { text } = decoded;
    try {
      if (isYamlSource(text, file)) await preloadYaml();
      const found = validateText(text, {
        file,
        ...(profile ? { profile } : {}),
        ...(options.normalize || config?.normalize ? { normalize: true } : {}),
        placeholders: options.placeholders ?? config?.placeholders ?? 'allow',
        ...(config ? { severity: config.severity } : {}),
        ...(fragment ? { fragment } : {}),
        ignore,
      });
      findings.push(...found);
    } catch (error) {
      // A file the validator could not handle must not cost the other files their judgement.
      whole(
        'syntax',
        `The validator failed on this file (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}); the other files were judged. This is a bug in ecs-shipyard: please report it with the file.`,
      );
      continue;
    }
    for (const i of ignore) ignored.push({ file, rule: i.rule, reason: i.reason });
  }
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return { files: unique, findings, counts, ignored };
}

export function formatText(result: RunResult): string {
  const lines = result.findings.map(
    (f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`,
  );
  lines.push(
    `${result.files.length} file(s): ${result.counts.error} error(s), ${result.counts.warning} warning(s), ${result.counts.notice} notice(s).`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatJson(result: RunResult): string {
  return `${JSON.stringify({ files: result.files, counts: result.counts, findings: result.findings }, null, 2)}\n`;
}

/** GitHub workflow commands, one per finding (what the CLI prints with --format github). */
export function formatGithub(result: RunResult, root = ''): string {
  return result.findings
    .map((f) =>
      workflowCommand(
        f.severity,
        { file: join(root, f.file), line: f.line, col: f.column, title: f.rule },
        `${f.message} (${f.docs})`,
      ),
    )
    .join('\n')
    .concat(result.findings.length ? '\n' : '');
}

/** SARIF 2.1.0, for github/codeql-action/upload-sarif: rules with their help links, results with regions. */
export function toSarif(result: RunResult, root = ''): object {
  return sarifLog(
    { name: 'ecs-shipyard validate', informationUri: RULES_DOC },
    RULES.map((r) => ({
      id: r.id,
      title: r.title,
      helpUri: docsFor(r.id),
      help: `${r.title}. Source: ${r.source}`,
      severity: r.severity,
      // Code scanning shows and filters by tags; the controls say which scanner's check it is.
      ...(r.controls?.length
        ? {
            properties: {
              tags: ['security', ...new Set(r.controls.map((x) => x.id))],
              controls: r.controls.map((x) => ({ ...x })),
            },
          }
        : {}),
    })),
    result.findings,
    root,
  );
}
