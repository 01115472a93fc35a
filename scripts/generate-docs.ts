/**
 * Regenerates the input and output tables of docs/<action>.md from each action's action.yml (and the
 * per-registry style outputs that the action declares by prefix in code). `--check` fails instead of
 * writing when a page is out of date. The prose around the tables is written by hand.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DynamicOutput } from '../src/github/action.js';
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
  const start = `<!-- ${marker}:start (generated from action.yml by npm run docs) -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file} has no ${start} … ${end} block`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}

export async function docsFor(
  name: string,
  actionYml: string,
): Promise<{ path: string; current: string; expected: string }> {
  const yml = parse(await readFile(join(ROOT, actionYml), 'utf8')) as Yml;
  const definition = (await import(`../src/actions/${name}/action.js`)) as {
    default: { dynamicOutputs?: DynamicOutput[] };
  };
  const { inputs, outputs } = renderTables(yml, definition.default.dynamicOutputs ?? []);
  const path = join(ROOT, 'docs', `${name}.md`);
  const current = await readFile(path, 'utf8');
  const expected = replaceBetween(replaceBetween(current, 'inputs', inputs, path), 'outputs', outputs, path);
  return { path, current, expected };
}

export async function allDocs() {
  const actions = discoverActions() as { name: string; actionYml: string }[];
  return Promise.all(actions.map((a) => docsFor(a.name, a.actionYml)));
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
