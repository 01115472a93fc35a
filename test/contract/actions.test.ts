// What must stay true of every action: code and action.yml agree both ways, docs are fresh, workflows
// follow the security rules. dist/ freshness is its own check (npm run check:dist), run by CI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
// @ts-expect-error -- plain .mjs build script
import { discoverActions } from '../../scripts/build.mjs';
import { allDocs } from '../../scripts/generate-docs.js';
import type { ActionDefinition } from '../../src/github/action.js';
import { VERSION } from '../../src/version.js';
import { ROOT, readActionYml } from '../harness/runner.js';

const actions = discoverActions() as { name: string; actionYml: string; entry: string }[];

test('actions are discovered from their action.yml files', () => {
  expect(actions.map((a) => a.name)).toContain('ecr-login');
});

describe.each(actions.map((a) => [a.name, a] as const))('%s', (name, action) => {
  const load = async () => ({
    yml: await readActionYml(action.actionYml.replace(/\/?action\.yml$/, '') || '.'),
    definition: (
      (await import(`../../src/actions/${name}/action.js`)) as { default: ActionDefinition<never> }
    ).default,
  });

  test('every input the code reads is declared in action.yml, and every declared input is read', async () => {
    const { yml, definition } = await load();
    expect(Object.keys(definition.inputs).sort()).toEqual(Object.keys(yml.inputs ?? {}).sort());
  });

  test('defaults and required flags agree between code and action.yml', async () => {
    const { yml, definition } = await load();
    for (const [input, spec] of Object.entries(
      definition.inputs as Record<string, { default?: string; required: boolean }>,
    )) {
      // A default that is an expression (${{ github.token }}) is filled in by the runner: the code sees
      // the value, so its spec has no default of its own.
      const declared = yml.inputs?.[input]?.default;
      expect([input, spec.default]).toEqual([input, declared?.startsWith('${{') ? undefined : declared]);
      expect([input, spec.required]).toEqual([input, yml.inputs?.[input]?.required === true]);
    }
  });

  test('every output the code sets is declared, and every declared output is set by the code', async () => {
    const { yml, definition } = await load();
    expect([...definition.outputs].sort()).toEqual(Object.keys(yml.outputs ?? {}).sort());
    for (const d of definition.dynamicOutputs ?? []) {
      // Outputs named per registry cannot be listed in action.yml; they must not collide with listed ones.
      expect(Object.keys(yml.outputs ?? {}).some((o) => o.startsWith(d.prefix))).toBe(false);
    }
  });

  test('runs on node24 from its own bundle, main and post alike', async () => {
    const { yml, definition } = await load();
    expect(yml.runs.using).toBe('node24');
    const bundle = action.actionYml.includes('/') ? `../dist/${name}/index.js` : `dist/${name}/index.js`;
    expect(yml.runs.main).toBe(bundle);
    expect(yml.runs.post).toBe(definition.post ? bundle : undefined);
    expect(definition.name).toBe(name);
  });

  test('every input and output has a description', async () => {
    const { yml } = await load();
    for (const [k, v] of [...Object.entries(yml.inputs ?? {}), ...Object.entries(yml.outputs ?? {})]) {
      expect([k, (v.description ?? '').length > 10]).toEqual([k, true]);
    }
  });
});

test('docs/<action>.md tables are generated from action.yml and up to date (npm run docs)', async () => {
  for (const doc of await allDocs()) {
    expect({ path: doc.path, text: doc.current }).toEqual({ path: doc.path, text: doc.expected });
  }
});

test('the version sent in the user agent is package.json version', () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

test('the undici stand-in is safe: @actions/http-client takes only ProxyAgent and @actions/github only fetch from it, and only @actions/github calls getAgentDispatcher', () => {
  const importsOf = (file: string) =>
    [...readFileSync(join(ROOT, file), 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)].flatMap(
      (m) => m[1]!.split(',').map((s) => s.trim()),
    );
  expect(importsOf('node_modules/@actions/http-client/lib/index.js')).toEqual(['ProxyAgent']);
  // @actions/github sends Octokit's requests through undici's fetch with a dispatcher: the stand-in's fetch
  // is Node's own, without the dispatcher (see src/bundle-shims/undici.ts).
  expect(importsOf('node_modules/@actions/github/lib/internal/utils.js')).toEqual(['fetch']);
  const coreLib = join(ROOT, 'node_modules/@actions/core/lib');
  for (const f of readdirSync(coreLib).filter((f) => f.endsWith('.js'))) {
    expect([f, readFileSync(join(coreLib, f), 'utf8').includes('getAgentDispatcher')]).toEqual([f, false]);
  }
  const src = readdirSync(join(ROOT, 'src'), { recursive: true }) as string[];
  for (const f of src.filter((f) => f.endsWith('.ts') && !f.includes('bundle-shims'))) {
    const text = readFileSync(join(ROOT, 'src', f), 'utf8');
    expect([f, /getAgentDispatcher|from 'undici'/.test(text)]).toEqual([f, false]);
  }
  // Only the verify shell loads @actions/github, and only when it writes a comment (a dynamic import).
  const users = src.filter(
    (f) =>
      f.endsWith('.ts') &&
      /from '@actions\/github'|import\('\.\.\/\.\.\/github\/pr-comment\.js'\)/.test(
        readFileSync(join(ROOT, 'src', f), 'utf8'),
      ),
  );
  expect(users.sort()).toEqual(['actions/verify-task-definition/action.ts', 'github/pr-comment.ts']);
});

test('only src/actions and src/github import @actions/core (functional core, imperative shell)', () => {
  const src = readdirSync(join(ROOT, 'src'), { recursive: true }) as string[];
  for (const f of src.filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(ROOT, 'src', f), 'utf8');
    const importsCore = /from '@actions\/(core|github)'/.test(text);
    expect([f, importsCore && !/^(actions|github)\//.test(f.replace(/\\/g, '/'))]).toEqual([f, false]);
  }
});

test('composite actions keep the defaults of the actions whose bundles they run', async () => {
  const composites = readdirSync(ROOT).filter((d) => {
    const file = join(ROOT, d, 'action.yml');
    return (
      existsSync(file) &&
      (parse(readFileSync(file, 'utf8')) as { runs: { using: string } }).runs.using === 'composite'
    );
  });
  expect(composites).toContain('refresh-ecs-ami');
  for (const dir of composites) {
    const yml = await readActionYml(dir);
    const steps = (yml.runs.steps ?? []) as { run?: string; env?: Record<string, string> }[];
    for (const step of steps) {
      const bundle = /dist\/([a-z0-9-]+)\/index\.js/.exec(step.run ?? '')?.[1];
      if (!bundle) continue;
      const inner = await readActionYml(bundle);
      for (const [key, value] of Object.entries(step.env ?? {})) {
        const input = /^INPUT_(.+)$/.exec(key)?.[1]?.toLowerCase();
        if (!input) continue;
        // Every INPUT_ it passes is an input of that action ...
        expect([dir, bundle, input, input in (inner.inputs ?? {})]).toEqual([dir, bundle, input, true]);
        // ... and where it passes its own input of the same name, the defaults agree.
        const own = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)?.[1];
        if (own === input) {
          expect([dir, input, yml.inputs?.[own]?.default]).toEqual([
            dir,
            input,
            inner.inputs?.[input]?.default,
          ]);
        }
      }
    }
  }
});

test('src/validate/shape.generated.ts is what the installed @aws-sdk/client-ecs gives (npm run generate)', async () => {
  const { execFile } = await import('node:child_process');
  const code = await new Promise<number>((resolve) =>
    execFile(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'scripts', 'generate-taskdef-shape.ts'),
        '--check',
      ],
      (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
    ),
  );
  expect(code).toBe(0);
}, 60_000);

test('every exported function and constant under src/ is used by another file (no dead exports)', () => {
  const read = (dir: string): [string, string][] =>
    readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
      .map((e) => {
        const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
        return [path, readFileSync(path, 'utf8')];
      });
  const all = ['src', 'test', 'bench', 'scripts'].flatMap(read);
  const dead: string[] = [];
  for (const [path, text] of all.filter(([p]) => p.startsWith(join(ROOT, 'src')))) {
    for (const m of text.matchAll(/^export (?:async )?(?:function|const|class|let) (\w+)/gm)) {
      const name = new RegExp(`\\b${m[1]}\\b`);
      if (!all.some(([other, t]) => other !== path && name.test(t)))
        dead.push(`${path.slice(ROOT.length + 1)}: ${m[1]}`);
    }
  }
  expect(dead).toEqual([]);
});

test.each(actions.map((a) => [a.name]))(
  '%s: the main chunk of the bundle holds no AWS SDK code (bad input fails before the SDK loads)',
  (name) => {
    const main = readFileSync(join(ROOT, 'dist', name, 'index.js'), 'utf8');
    // The SDK's command class and its packages' names: present wherever an SDK client was bundled.
    expect([name, /@smithy\/|middlewareStack/.test(main)]).toEqual([name, false]);
  },
);
