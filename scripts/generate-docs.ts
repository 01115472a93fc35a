/**
 * Regenerates the input and output tables of docs/<action>.md from each action's action.yml (and the
 * per-registry style outputs that the action declares by prefix in code). `--check` fails instead of
 * writing when a page is out of date. The prose around the tables is written by hand.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DynamicOutput } from '../src/github/action.js';
import { supportMatrix } from '../src/imagebuilder/catalog.js';
import { RULES } from '../src/validate/rules.js';
import { VERIFY_RULES } from '../src/verify/rules.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { discoverActions } from './build.mjs';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

interface Yml {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

const cell = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');

export function renderTables(
  yml: Yml,
  dynamic: readonly DynamicOutput[],
): { inputs: string; outputs: string } {
  const inputs = [
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(yml.inputs ?? {}).map(
      ([name, i]) =>
        `| \`${name}\` | ${i.required ? 'yes' : 'no'} | ${i.default === undefined || i.default === '' ? '' : `\`${i.default}\``} | ${cell(i.description)} |`,
    ),
  ].join('\n');
  const outputs = [
    '| Output | Description |',
    '| --- | --- |',
    ...Object.entries(yml.outputs ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`),
    ...dynamic.map((d) => `| \`${d.prefix}<registry>\` | ${cell(d.description)} |`),
  ].join('\n');
  return { inputs, outputs };
}

function replaceBetween(text: string, marker: string, content: string, file: string): string {
  const source =
    marker === 'support-matrix'
      ? 'src/imagebuilder/catalog.ts'
      : marker === 'rules'
        ? 'src/validate/rules.ts'
        : marker === 'verify-rules'
          ? 'src/verify/rules.ts'
          : marker.startsWith('workflow-')
            ? 'the workflow'
            : 'action.yml';
  const start = `<!-- ${marker}:start (generated from ${source} by npm run docs) -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file} has no ${start} … ${end} block`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}

export async function docsFor(
  name: string,
  actionYml: string,
  javascript: boolean,
): Promise<{ path: string; current: string; expected: string }> {
  const yml = parse(await readFile(join(ROOT, actionYml), 'utf8')) as Yml;
  // Composite actions have no code of their own, so no outputs declared by prefix.
  const definition = javascript
    ? ((await import(`../src/actions/${name}/action.js`)) as {
        default: { dynamicOutputs?: DynamicOutput[] };
      })
    : undefined;
  const { inputs, outputs } = renderTables(yml, definition?.default.dynamicOutputs ?? []);
  const path = join(ROOT, 'docs', `${name}.md`);
  const current = await readFile(path, 'utf8');
  let expected = replaceBetween(replaceBetween(current, 'inputs', inputs, path), 'outputs', outputs, path);
  if (expected.includes('<!-- support-matrix:start')) {
    expected = replaceBetween(expected, 'support-matrix', supportMatrix(), path);
  }
  if (expected.includes('<!-- verify-rules:start')) {
    expected = replaceBetween(expected, 'verify-rules', verifyRulesTable(), path);
  }
  return { path, current, expected };
}

/** Every action in a folder of its own, JavaScript or composite. */
export async function allDocs() {
  const javascript = new Set((discoverActions() as { name: string }[]).map((a) => a.name));
  const folders = readdirSync(ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'action.yml')))
    .map((d) => d.name);
  const pages = folders.map((name) => docsFor(name, join(name, 'action.yml'), javascript.has(name)));
  // The root action.yml is the deploy action; its page is docs/deploy.md.
  if (existsSync(join(ROOT, 'action.yml'))) pages.push(docsFor('deploy', 'action.yml', true));
  pages.push(rulesDoc());
  pages.push(workflowsDoc());
  return Promise.all(pages);
}

interface WorkflowCall {
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown; type?: string }>;
  outputs?: Record<string, { description?: string }>;
}

/** docs/workflows.md: the inputs and outputs of each reusable workflow, from its workflow_call. */
async function workflowsDoc() {
  const path = join(ROOT, 'docs', 'workflows.md');
  const current = await readFile(path, 'utf8');
  let expected = current;
  for (const name of ['rebuild-ecs-ami', 'deploy-ecs-service', 'validate-task-definitions']) {
    const file = join(ROOT, '.github', 'workflows', `${name}.yml`);
    const call = (parse(await readFile(file, 'utf8')) as { on: { workflow_call: WorkflowCall } }).on
      .workflow_call;
    const shown = (v: unknown) =>
      v === undefined || v === '' ? '' : `\`${String(v).trim().replace(/\n/g, ' ')}\``;
    const table = [
      '| Input | Type | Required | Default | Description |',
      '| --- | --- | --- | --- | --- |',
      ...Object.entries(call.inputs ?? {}).map(
        ([input, i]) =>
          `| \`${input}\` | ${i.type ?? ''} | ${i.required ? 'yes' : 'no'} | ${cell(shown(i.default))} | ${cell(i.description)} |`,
      ),
      '',
      '| Output | Description |',
      '| --- | --- |',
      ...Object.entries(call.outputs ?? {}).map(
        ([output, o]) => `| \`${output}\` | ${cell(o.description)} |`,
      ),
    ].join('\n');
    expected = replaceBetween(expected, `workflow-${name}`, table, path);
  }
  return { path, current, expected };
}

/** What each verify check catches, and what the deployment would say otherwise. */
function verifyRulesTable(): string {
  return VERIFY_RULES.map(
    (r) =>
      `### ${r.id}\n\n${r.title}.\n\n- Check: ${r.check === 'any' ? 'any' : `\`${r.check}\``}; severity: **${r.severity}**\n- What ECS says otherwise: ${r.otherwise}\n`,
  ).join('\n');
}

/** docs/validate-rules.md: one section per validator rule, from the rule list itself. */
async function rulesDoc() {
  const path = join(ROOT, 'docs', 'validate-rules.md');
  const current = await readFile(path, 'utf8');
  const sections = RULES.map(
    (r) =>
      `### ${r.id}

${r.title}.

- Default severity: **${r.severity}**${
        r.profiles
          ? `
- Profiles: ${r.profiles.join(', ')}`
          : ''
      }${
        r.needs
          ? `
- On container definitions alone or a fragment: ${r.needs === 'task' ? 'left to the task definition' : `runs only with ${r.needs.join(' and ')} present`}`
          : ''
      }
- Source: ${r.source}${
        r.controls?.length
          ? `
- Controls: ${r.controls.map((x) => `${x.framework} [${x.id}](${x.url})${x.title ? ` (${x.title})` : ''}`).join('; ')}`
          : ''
      }
`,
  );
  const table = [
    '| Rule | Severity | What it checks |',
    '| --- | --- | --- |',
    ...RULES.map((r) => `| [${r.id}](#${r.id}) | ${r.severity} | ${r.title} |`),
  ];
  const expected = replaceBetween(current, 'rules', `${table.join('\n')}\n\n${sections.join('\n')}`, path);
  return { path, current, expected };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const doc of await allDocs()) {
    if (doc.current === doc.expected) continue;
    if (check) {
      console.error(`${doc.path} is out of date: run npm run docs`);
      stale++;
    } else {
      await writeFile(doc.path, doc.expected);
      console.log(`wrote ${doc.path}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
