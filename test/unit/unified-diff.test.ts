import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { storedText } from '../../src/taskdef/stored.js';
import { unifiedDiff } from '../../src/taskdef/unified-diff.js';

/** Applies a unified diff to `before`, checking every context and removed line against it. */
function applyDiff(before: string, diff: string): string {
  if (diff === '') return before;
  const source = before === '' ? [] : before.split(/(?<=\n)/);
  const lines = diff.split('\n').slice(0, -1);
  expect(lines[0]).toMatch(/^--- /);
  expect(lines[1]).toMatch(/^\+\+\+ /);
  const out: string[] = [];
  let at = 0;
  for (let i = 2; i < lines.length;) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    if (!header) throw new Error(`not a hunk header: ${lines[i]}`);
    const aCount = header[2] === undefined ? 1 : Number(header[2]);
    const bCount = header[4] === undefined ? 1 : Number(header[4]);
    const aStart = aCount === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (at < aStart) out.push(source[at++]!);
    let seenA = 0;
    let seenB = 0;
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      const noEol = lines[i + 1] === '\\ No newline at end of file';
      const text = line.slice(1) + (noEol ? '' : '\n');
      if (line[0] === ' ' || line[0] === '-') {
        expect(source[at]).toBe(text);
        at++;
        seenA++;
      }
      if (line[0] === ' ' || line[0] === '+') {
        out.push(text);
        seenB++;
      }
      if (!' -+'.includes(line[0]!)) throw new Error(`not a diff line: ${line}`);
      if (noEol) i++;
    }
    expect([seenA, seenB]).toEqual([aCount, bCount]);
  }
  while (at < source.length) out.push(source[at++]!);
  return out.join('');
}

/** Lines changed (removed plus added) in a diff. */
const edits = (diff: string) => diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;

/** The fewest lines a diff can change: n + m - 2 × the longest common subsequence (dynamic programming). */
function fewestEdits(before: string, after: string): number {
  const a = before === '' ? [] : before.split(/(?<=\n)/);
  const b = after === '' ? [] : after.split(/(?<=\n)/);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const next = new Uint32Array(b.length + 1);
    for (let j = 1; j <= b.length; j++)
      next[j] = a[i - 1] === b[j - 1] ? row[j - 1]! + 1 : Math.max(row[j]!, next[j - 1]!);
    row = next;
  }
  return a.length + b.length - 2 * row[b.length]!;
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');
const numbered = (n: number, from = 1) => lines(...Array.from({ length: n }, (_, i) => `line ${i + from}`));

test('equal texts have no diff', () => {
  expect(unifiedDiff('a\nb\n', 'a\nb\n')).toBe('');
  expect(unifiedDiff('', '')).toBe('');
});

test('one changed line, with three lines of context and the labels given', () => {
  const before = numbered(10);
  const after = before.replace('line 5\n', 'line five\n');
  expect(unifiedDiff(before, after, { from: 'ecs/web:41', to: 'rendered' })).toBe(
    [
      '--- ecs/web:41',
      '+++ rendered',
      '@@ -2,7 +2,7 @@',
      ' line 2',
      ' line 3',
      ' line 4',
      '-line 5',
      '+line five',
      ' line 6',
      ' line 7',
      ' line 8',
      '',
    ].join('\n'),
  );
});

test('a text without a final newline is marked as diff marks it', () => {
  expect(unifiedDiff('a\nb', 'a\nb\n')).toBe(
    ['--- before', '+++ after', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b', ''].join(
      '\n',
    ),
  );
});

test('maxLines keeps the first lines and says how many were left out', () => {
  const diff = unifiedDiff(numbered(40), numbered(40, 100), { maxLines: 10 });
  const out = diff.split('\n').slice(0, -1);
  expect(out).toHaveLength(11);
  expect(out.slice(0, 3)).toEqual(['--- before', '+++ after', '@@ -1,40 +1,40 @@']);
  // 2 headers + 1 hunk header + 40 removed + 40 added = 83 lines, 10 kept.
  expect(out[10]).toBe('… 73 more lines of the diff left out');
  expect(unifiedDiff(numbered(3), numbered(3, 2), { maxLines: 100 })).not.toMatch(/left out/);
});

test('random texts: every diff applies and changes as few lines as possible', () => {
  const next = random(20240601);
  const text = (n: number) => lines(...Array.from({ length: n }, () => 'abcde'[Math.floor(next() * 5)]!));
  for (let round = 0; round < 400; round++) {
    const before = text(Math.floor(next() * 14));
    const after = next() < 0.3 ? before.replace(/[ab]\n/, 'z\n') : text(Math.floor(next() * 14));
    const context = Math.floor(next() * 4);
    const diff = unifiedDiff(before, after, { context });
    expect([round, applyDiff(before, diff)]).toEqual([round, after]);
    expect([round, edits(diff)]).toEqual([round, fewestEdits(before, after)]);
  }
});

describe('two texts of 2,000 lines', () => {
  const before = numbered(2000);
  test('scattered edits: the diff applies and is as short as possible', () => {
    const next = random(7);
    const after = before
      .split('\n')
      .flatMap((l) => {
        const r = next();
        return r < 0.02 ? [] : r < 0.04 ? [`${l} changed`] : r < 0.05 ? [l, 'inserted'] : [l];
      })
      .join('\n');
    const diff = unifiedDiff(before, after);
    expect(applyDiff(before, diff)).toBe(after);
    expect(edits(diff)).toBe(fewestEdits(before, after));
  });
  test('nothing in common: every line removed and every line added', () => {
    const after = numbered(2000, 5000);
    const diff = unifiedDiff(before, after);
    expect(edits(diff)).toBe(4000);
    expect(applyDiff(before, diff)).toBe(after);
  });
});

describe('the same output as GNU diff -u', () => {
  const gnu = spawnSync('diff', ['--version'], { encoding: 'utf8' });
  const installed = gnu.status === 0 && /GNU diffutils/.test(gnu.stdout);
  if (!installed) console.log('GNU diff is not installed: the comparisons with `diff -u` are skipped.');
  const dir = mkdtempSync(join(tmpdir(), 'shipyard-diff-'));
  const gnuDiff = (before: string, after: string, context: number) => {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const out = spawnSync(
      'diff',
      [`-U${context}`, '--label', 'before', '--label', 'after', join(dir, 'a'), join(dir, 'b')],
      { encoding: 'utf8' },
    );
    return out.stdout;
  };
  const base = numbered(30);
  const task = {
    family: 'web',
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      { name: 'app', image: 'app:1', environment: [{ name: 'A', value: '1' }] },
      { name: 'proxy', image: 'envoy:1.30', portMappings: [{ containerPort: 8080 }] },
    ],
  };
  const cases: [string, string, string, number][] = [
    ['one changed line', base, base.replace('line 15\n', 'line 15 changed\n'), 3],
    ['two hunks far apart', base, base.replace('line 3\n', 'x\n').replace('line 25\n', 'y\n'), 3],
    [
      'two changes merged into one hunk',
      base,
      base.replace('line 10\n', 'x\n').replace('line 16\n', 'y\n'),
      3,
    ],
    [
      'six unchanged lines between changes: one hunk',
      base,
      base.replace('line 10\n', 'x\n').replace('line 17\n', 'y\n'),
      3,
    ],
    [
      'seven unchanged lines between changes: two hunks',
      base,
      base.replace('line 10\n', 'x\n').replace('line 18\n', 'y\n'),
      3,
    ],
    ['insertion at the start', base, `new\n${base}`, 3],
    ['deletion at the end', base, base.replace('line 30\n', ''), 3],
    ['from nothing', '', numbered(3), 3],
    ['to nothing', numbered(3), '', 3],
    ['no newline at the end', numbered(5).slice(0, -1), numbered(5), 3],
    ['no context', base, base.replace('line 10\n', 'x\n').replace('line 12\n', 'y\n'), 0],
    ['one line of context', base, base.replace('line 1\n', '').replace('line 9\n', 'nine\n'), 1],
    [
      'a task definition whose image and environment change',
      storedText(task),
      storedText({
        ...task,
        containerDefinitions: [
          { name: 'app', image: 'app:2', environment: [{ name: 'A', value: '2' }] },
          task.containerDefinitions[1]!,
        ],
      }),
      3,
    ],
  ];
  (installed ? test.each(cases) : test.skip.each(cases))('%s', (_name, before, after, context) => {
    expect(unifiedDiff(before, after, { context })).toBe(gnuDiff(before, after, context));
  });
});
