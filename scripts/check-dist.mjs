#!/usr/bin/env node
// `npm run check:dist`: builds every bundle into a temporary directory and compares it byte for byte with
// the committed dist/ (builds are deterministic). Exits 1 and names each stale, missing or extra file.
// CI runs it after the tests, and a release runs it before tagging; `npm test` does not, so the suite
// stays quick — run it yourself after `npm run build` if you changed src/.
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const files = (dir) => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
};

export async function staleFiles() {
  const out = await mkdtemp(join(tmpdir(), 'dist-'));
  const log = console.log;
  console.log = () => {};
  try {
    await build(['--out', out]);
  } finally {
    console.log = log;
  }
  const fresh = files(out);
  const committed = files(join(root, 'dist'));
  const problems = [];
  for (const f of fresh) {
    if (!committed.includes(f)) problems.push(`dist/${f}: missing`);
    else if (!(await readFile(join(out, f))).equals(await readFile(join(root, 'dist', f))))
      problems.push(`dist/${f}: stale`);
  }
  for (const f of committed) if (!fresh.includes(f)) problems.push(`dist/${f}: no longer built`);
  await rm(out, { recursive: true, force: true });
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  staleFiles().then(
    (problems) => {
      if (problems.length === 0) {
        console.log(`dist/ is what the sources build (${Math.round((Date.now() - started) / 1000)} s).`);
        return;
      }
      for (const p of problems) console.error(p);
      console.error('dist/ is not what the sources build: run npm run build and commit dist/.');
      process.exit(1);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
