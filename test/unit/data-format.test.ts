// One rule decides JSON or YAML for every data file reader: the deploy/run-task/render readers
// (readDataFile) and the validator (parseSource) read the same file the same way.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { isYamlSource } from '../../src/taskdef/format.js';
import { readDataFile } from '../../src/taskdef/source.js';
import { parseSource, preloadYaml } from '../../src/validate/source.js';

describe('isYamlSource', () => {
  test.each([
    ['td.yml', 'family: web', true],
    ['td.YAML', '{"family": "web"}', true],
    ['td.json', 'family: web', false],
    ['td.JSON', '{}', false],
    ['taskdef', 'family: web', true],
    ['taskdef', '  {"family": "web"}', false],
    ['taskdef.txt', '[1]', false],
    ['taskdef.txt', '', true],
  ])('%s holding %j: YAML %s', (file, text, yaml) => expect(isYamlSource(text, file)).toBe(yaml));
});

describe('readDataFile and the validator agree', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'data-format-'));
    await preloadYaml();
  });
  test.each([
    ['taskdef', 'family: web\ncontainerDefinitions: []\n', 'yaml'],
    ['taskdef.task', '{"family": "web", "containerDefinitions": []}', 'json'],
    ['web.yaml', 'family: web\ncontainerDefinitions: []\n', 'yaml'],
  ])('%s', async (name, text, format) => {
    const path = join(dir, name);
    await writeFile(path, text);
    const parsed = parseSource(text, path);
    expect(parsed.format).toBe(format);
    expect(await readDataFile(path, 'task-definition')).toEqual(parsed.value);
    expect(parsed.value).toEqual({ family: 'web', containerDefinitions: [] });
  });

  test('a .json file that is not JSON is a JSON error for both', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, 'family: web\n');
    expect(() => parseSource('family: web\n', path)).toThrow();
    await expect(readDataFile(path, 'task-definition')).rejects.toThrow(/bad\.json is not valid JSON/);
  });
});
