#!/usr/bin/env node
// Builds one ncc bundle per JavaScript action under dist/<action>/. Actions are discovered from their
// action.yml files (the root one and one folder down): runs.main names the bundle, and the entry is
// src/actions/<action>/index.ts. Nothing here lists the actions by hand.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';
import { minify } from 'terser';
import { parse } from 'yaml';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function discoverActions() {
  const candidates = [
    'action.yml',
    ...readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
      .map((d) => join(d.name, 'action.yml')),
  ];
  const actions = [];
  for (const file of candidates) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const runs = parse(readFileSync(path, 'utf8'))?.runs ?? {};
    if (!String(runs.using ?? '').startsWith('node')) continue; // composite actions have no bundle
    const main = join(dirname(file), runs.main);
    const m = /^dist\/([a-z0-9-]+)\/index\.js$/.exec(main.replace(/\\/g, '/'));
    if (!m) throw new Error(`${file}: runs.main must point at dist/<action>/index.js, not ${runs.main}`);
    const name = m[1];
    const entry = join(root, 'src', 'actions', name, 'index.ts');
    if (!existsSync(entry)) throw new Error(`${file}: no entry ${entry}`);
    actions.push({ name, actionYml: file, entry });
  }
  return actions;
}

/** `node scripts/build.mjs [--out DIR] [action …]`: every action into dist/, or into DIR (the freshness test). */
/** Bundles that are not actions: the CLI (package.json "bin"). */
const EXTRA = [{ name: 'cli', entry: join(root, 'src', 'cli', 'index.ts'), shebang: true }];

export async function build(args = process.argv.slice(2)) {
  const actions = [...discoverActions(), ...EXTRA];
  const only = [];
  let outDir;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') outDir = args[++i];
    else only.push(args[i]);
  }
  const distRoot = outDir ? resolve(outDir) : join(root, 'dist');
  // Bundles of actions that no longer exist go away.
  if (only.length === 0 && existsSync(distRoot)) {
    for (const d of readdirSync(distRoot)) {
      if (!actions.some((a) => a.name === d)) await rm(join(distRoot, d), { recursive: true, force: true });
    }
  }
  const selected = actions.filter((a) => only.length === 0 || only.includes(a.name));
  if (selected.length > 1) {
    // webpack keeps memory between bundles: one process per bundle (two at a time) keeps each small.
    const queue = [...selected];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { stdout } = await run(process.execPath, [
          fileURLToPath(import.meta.url),
          ...(outDir ? ['--out', distRoot] : []),
          next.name,
        ]);
        if (stdout.trim()) console.log(stdout.trimEnd());
      }
    };
    await Promise.all([worker(), worker()]);
    return;
  }
  for (const action of selected) {
    const started = Date.now();
    const { code, assets } = await ncc(action.entry, {
      minify: true,
      sourceMap: false,
      target: 'es2022',
      quiet: true,
      // Keep the output byte-identical across machines so the freshness test can compare it.
      cache: false,
    });
    const out = join(distRoot, action.name);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'index.js'), action.shebang ? `#!/usr/bin/env node\n${code}` : code);
    let total = Buffer.byteLength(code);
    for (const [name, asset] of Object.entries(assets ?? {})) {
      let source = asset.source;
      // ncc minifies the entry only; the chunks that dynamic imports load are minified here.
      if (name.endsWith('.js')) {
        const result = await minify(source.toString(), {
          module: true,
          ecma: 2022,
          compress: { passes: 1 },
          mangle: true,
        });
        source = result.code;
      }
      total += Buffer.byteLength(source);
      await mkdir(dirname(join(out, name)), { recursive: true });
      await writeFile(join(out, name), source);
    }
    console.log(
      `dist/${action.name}/  ${(total / 1024).toFixed(0)} KiB in all  (${Date.now() - started} ms)`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
