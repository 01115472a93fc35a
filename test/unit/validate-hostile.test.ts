// A hostile or broken file is one finding for that file, never a crash, and never costs the other files
// their judgement: alias bombs, UTF-16/32, NUL bytes, deep nesting, self-referring aliases, files over
// the size limit, unreadable files. And keys given twice are one warning on the second, naming the first.
import { chmod, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { parseJson } from '../../src/json/parse.js';
import { decodeText } from '../../src/validate/decode.js';
import { validateFiles } from '../../src/validate/run.js';
import { preloadYaml } from '../../src/validate/source.js';
import { validateText } from '../../src/validate/validate.js';

beforeAll(preloadYaml);

const GOOD = {
  family: 'web',
  containerDefinitions: [{ name: 'app', image: 'nginx:1.27', essential: true, memory: 512 }],
};
const GOOD_JSON = `${JSON.stringify(GOOD, null, 2)}\n`;

/** "Billion laughs": nine levels, each nine aliases of the one before (9^9 strings once expanded). */
const aliasBomb = () => {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  let prev = 'a';
  for (const k of 'bcdefghi') {
    lines.push(`${k}: &${k} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    prev = k;
  }
  return `${lines.join('\n')}\n`;
};

const judge = (text: string, file = 'td.json') => validateText(text, { file });
const only = (text: string, file?: string) => {
  const findings = judge(text, file);
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe('validateText: one finding, never a throw', () => {
  test('a YAML alias bomb: yaml’s maxAliasCount stops it, said with the first alias', () => {
    const f = only(aliasBomb(), 'td.yaml');
    expect(f).toMatchObject({ rule: 'syntax', severity: 'error', line: 2, column: 8 });
    expect(f.message).toContain('an alias bomb ("billion laughs")');
    expect(f.message).toContain("yaml's limit of 100 (maxAliasCount)");
  });

  test('an alias inside its own anchor (a value that contains itself)', () => {
    const text = 'family: x\ncontainerDefinitions: &c\n  - name: a\n    image: nginx\n    links: *c\n';
    const f = only(text, 'td.yaml');
    expect(f).toMatchObject({ rule: 'syntax', line: 5, column: 5 });
    expect(f.message).toContain('an alias inside its own anchor');
  });

  test('an alias to no anchor', () => {
    const f = only('family: *nowhere\n', 'td.yaml');
    expect(f.message).toMatch(/^Not valid YAML: Unresolved alias.*nowhere at line 1, column 9\.$/);
  });

  test.each([
    ['JSON arrays', 'td.json', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['JSON objects', 'td.json', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['YAML flow sequences', 'td.yaml', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['YAML compact block sequences', 'td.yaml', `${'- '.repeat(10_000)}x\n`],
  ])('10 000 nested %s: the depth limit, no stack overflow', (_kind, file, text) => {
    const f = only(text, file);
    expect(f.rule).toBe('syntax');
    expect(f.message).toContain('nesting deeper than 512 levels');
  });

  test('aliases cannot nest past the limit what the text keeps shallow', () => {
    const half = (inner: string) => '['.repeat(300) + inner + ']'.repeat(300);
    const f = only(`a: &a ${half('1')}\nb: ${half('*a')}\n`, 'td.yaml');
    expect(f.message).toContain('nesting deeper than 512 levels');
  });

  test('512 levels are still read', () => {
    const findings = judge(`{"family": "web", "x": ${'['.repeat(500)}${']'.repeat(500)}}`);
    expect(findings.map((f) => f.rule)).not.toContain('syntax');
  });

  test('over the size limit: not parsed, and the limit is said', () => {
    const f = only(`[${'0,'.repeat(600_000)}0]`);
    expect(f.rule).toBe('size-limit');
    expect(f.message).toContain('over the 1 MiB the validator reads, so it was not parsed');
  });

  test('a large array of small values is parsed in linear time (positions by binary search)', () => {
    const text = `[${'0,'.repeat(200_000)}0]`;
    const started = Date.now();
    const { positions } = parseJson(text, { positions: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(positions.get('/200000')).toEqual({ line: 1, column: 400_002, offset: 400_001 });
  });
});

describe('decodeText', () => {
  const utf16le = Buffer.from(GOOD_JSON, 'utf16le');
  const utf16be = Buffer.from(GOOD_JSON, 'utf16le').swap16();
  const problem = (bytes: Buffer) => {
    const d = decodeText(bytes);
    return 'problem' in d ? d.problem : undefined;
  };

  test.each([
    ['UTF-16 (LE)', utf16le, 'The file is UTF-16 (LE); save it as UTF-8'],
    ['UTF-16 (BE)', utf16be, 'The file is UTF-16 (BE); save it as UTF-8'],
    [
      'UTF-16 (LE) with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]),
      'The file is UTF-16 (LE) with a byte order mark; save it as UTF-8',
    ],
    [
      'UTF-16 (BE) with a BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
      'The file is UTF-16 (BE) with a byte order mark; save it as UTF-8',
    ],
    [
      'UTF-32 (LE) with a BOM',
      Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]),
      'The file is UTF-32 (LE) with a byte order mark',
    ],
    ['UTF-32 (BE)', Buffer.from([0, 0, 0, 0x7b, 0, 0, 0, 0x7d]), 'The file is UTF-32 (BE);'],
  ])('%s is named, not "unexpected character at 1:1"', (_name, bytes, expected) => {
    expect(problem(bytes)).toContain(expected);
  });

  test('NUL bytes: a binary file, with where', () => {
    const d = decodeText(Buffer.concat([Buffer.from('{\n  "a": 1'), Buffer.from([0, 1, 2, 0xff])]));
    expect(d).toEqual({
      problem: 'The file holds a NUL byte (at byte 10): it is a binary file, not JSON or YAML text.',
      position: { line: 2, column: 9, offset: 10 },
    });
  });

  test('bytes that are not UTF-8 are pointed at; a U+FFFD the file spells itself is fine', () => {
    const latin1 = Buffer.concat([
      Buffer.from('{\n  "family": "\uFFFD caf'),
      Buffer.from([0xe9, 0x22, 0x7d]),
    ]);
    const d = decodeText(latin1);
    expect(d).toMatchObject({ position: { line: 2, column: 19 } });
    expect('problem' in d && d.problem).toContain('byte 0xE9 (at byte 22) does not decode');
    expect(decodeText(Buffer.from('{"family": "\uFFFD"}'))).toEqual({ text: '{"family": "\uFFFD"}' });
  });

  test('a UTF-8 BOM is accepted and dropped', () => {
    expect(decodeText(Buffer.from(`\uFEFF${GOOD_JSON}`))).toEqual({ text: GOOD_JSON });
  });
});

describe('duplicate keys', () => {
  const json = [
    '{',
    '  "family": "web",',
    '  "containerDefinitions": [{',
    '    "essential": false,',
    '    "name": "app", "image": "nginx:1.27", "memory": 512,',
    '    "essential": true',
    '  }]',
    '}',
  ].join('\n');
  const yaml = [
    'family: web',
    'containerDefinitions:',
    '  - name: app',
    '    essential: false',
    '    image: nginx:1.27',
    '    memory: 512',
    '    essential: true',
  ].join('\n');

  test.each([
    ['JSON', 'td.json', json, 6],
    ['YAML', 'td.yaml', yaml, 7],
  ])('%s: a warning on the second key, naming the first; the last one wins', (_f, file, text, line) => {
    const dup = judge(text, file).filter((f) => f.rule === 'duplicate-key');
    expect(dup).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line,
        column: 5,
        pointer: '/containerDefinitions/0/essential',
        message: '"essential" appears twice in this object (first at line 4); the last one wins: true',
      }),
    ]);
    // The last one is what the other rules judge: an essential container, so no essential-container.
    expect(judge(text, file).map((f) => f.rule)).not.toContain('essential-container');
  });

  test('on one line, the column; a third time, counted', () => {
    const text = `{"family": "a", "family": "b", "family": "web", "containerDefinitions": []}`;
    expect(
      judge(text)
        .filter((f) => f.rule === 'duplicate-key')
        .map((f) => [f.column, f.message]),
    ).toEqual([
      [17, '"family" appears twice in this object (first at line 1, column 2); the last one wins: "web"'],
      [32, '"family" appears 3 times in this object (first at line 1, column 2); the last one wins: "web"'],
    ]);
  });

  test('YAML: no longer a syntax error; silenced by an ignore comment with a reason', () => {
    const text = 'family: a\n# ecs-shipyard-ignore duplicate-key: kept for the demo\nfamily: web\n';
    expect(judge(text, 'td.yaml').map((f) => f.rule)).not.toContain('syntax');
    expect(judge(text, 'td.yaml').map((f) => f.rule)).not.toContain('duplicate-key');
    expect(judge('family: a\nfamily: web\n', 'td.yaml').map((f) => f.rule)).toContain('duplicate-key');
  });

  test('the same key in different objects is not a duplicate', () => {
    const text = JSON.stringify({
      family: 'web',
      containerDefinitions: [
        { name: 'a', image: 'nginx', memory: 512 },
        { name: 'b', image: 'nginx', memory: 512 },
      ],
    });
    expect(judge(text).map((f) => f.rule)).not.toContain('duplicate-key');
  });
});

describe('validateFiles: every file is judged, whatever another holds', () => {
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'validate-hostile-'));
    await writeFile(join(ws, 'a-bomb.yaml'), aliasBomb());
    await writeFile(join(ws, 'b-utf16.json'), Buffer.from(GOOD_JSON, 'utf16le'));
    await writeFile(join(ws, 'c-good.json'), GOOD_JSON);
    await writeFile(join(ws, 'd-bom.json'), `\uFEFF${GOOD_JSON.replace('512', '"lots"')}`);
    await writeFile(join(ws, 'e-binary.json'), Buffer.from([0x7b, 0, 0, 0xff, 0xfe, 0x7d]));
    await writeFile(join(ws, 'f-big.json'), `[${'0,'.repeat(600_000)}0]`);
    await writeFile(join(ws, 'g-deep.json'), '['.repeat(10_000) + ']'.repeat(10_000));
    // A file that stat calls a file but that cannot be read (EIO), even by root.
    if (process.platform === 'linux') await symlink('/proc/self/mem', join(ws, 'h-unreadable.json'));
    await mkdir(join(ws, 'i-directory.json'));
  });

  test('one finding for each broken file; the good file judged; directories are not files', async () => {
    const result = await validateFiles({ cwd: ws, patterns: ['*.json', '*.yaml'] });
    expect(result.files).toEqual([
      'a-bomb.yaml',
      'b-utf16.json',
      'c-good.json',
      'd-bom.json',
      'e-binary.json',
      'f-big.json',
      'g-deep.json',
      ...(process.platform === 'linux' ? ['h-unreadable.json'] : []),
    ]);
    const rules = (file: string) => result.findings.filter((f) => f.file === file).map((f) => f.rule);
    for (const file of ['a-bomb.yaml', 'b-utf16.json', 'e-binary.json', 'g-deep.json'])
      expect([file, rules(file)]).toEqual([file, ['syntax']]);
    expect(rules('f-big.json')).toEqual(['size-limit']);
    expect(rules('c-good.json')).not.toContain('syntax');
    // The BOM is dropped and positions are the file's: "memory" is on line 8, column 7.
    expect(result.findings.find((f) => f.file === 'd-bom.json' && f.rule === 'shape-type')).toMatchObject({
      line: 8,
      column: 7,
    });
    const message = (file: string) => result.findings.find((f) => f.file === file)!.message;
    expect(message('b-utf16.json')).toMatch(/^The file is UTF-16 \(LE\); save it as UTF-8/);
    expect(message('f-big.json')).toMatch(
      /^The file is 1\.1 MiB \(1200003 bytes\), over the 1 MiB the validator reads, so it was not read/,
    );
    if (process.platform === 'linux') {
      expect(rules('h-unreadable.json')).toEqual(['syntax']);
      expect(message('h-unreadable.json')).toMatch(/^Cannot read the file: EIO/);
    }
  });

  test('a directory named on its own is said to be one', async () => {
    await expect(validateFiles({ cwd: ws, patterns: ['i-directory.json'] })).rejects.toThrow(
      'i-directory.json is a directory: give the files in it, or a glob such as i-directory.json/*.json.',
    );
  });

  // Root reads any file, so this case can only be seen as another user (as CI runs).
  (process.getuid?.() === 0 ? test.skip : test)('a file without read permission', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'validate-perm-'));
    await writeFile(join(dir, 'locked.json'), GOOD_JSON);
    await writeFile(join(dir, 'open.json'), GOOD_JSON);
    await chmod(join(dir, 'locked.json'), 0);
    const result = await validateFiles({ cwd: dir, patterns: ['*.json'] });
    expect(result.findings.filter((f) => f.file === 'locked.json')).toEqual([
      expect.objectContaining({
        rule: 'syntax',
        message: expect.stringMatching(/^Cannot read the file: EACCES/),
      }),
    ]);
    expect(result.files).toContain('open.json');
  });
});
