import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { DESCRIBE_ONLY_FIELDS, normalizeTaskDefinition } from '../../src/taskdef/normalize.js';
import { ROOT } from '../harness/runner.js';

describe('normalizeTaskDefinition', () => {
  test('unwraps a describe result, keeps its tags, strips the eight describe-only fields with a warning each', () => {
    const described = {
      taskDefinition: {
        family: 'web',
        containerDefinitions: [
          {
            name: 'app',
            image: 'nginx',
            environment: [
              { name: 'EMPTY', value: '' },
              { name: 'NULL', value: null },
            ],
          },
        ],
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7',
        revision: 7,
        status: 'ACTIVE',
        requiresAttributes: [],
        compatibilities: ['EC2'],
        registeredAt: 1700000000,
        registeredBy: 'arn:aws:sts::111122223333:assumed-role/x/y',
        deregisteredAt: null,
        cpu: null,
        newFieldFromTomorrow: { enabled: true },
      },
      tags: [{ key: 'team', value: 'web' }],
    };
    const { definition, warnings } = normalizeTaskDefinition(described);
    expect(definition).toEqual({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx',
          environment: [
            { name: 'EMPTY', value: '' },
            { name: 'NULL', value: '' },
          ],
        },
      ],
      newFieldFromTomorrow: { enabled: true },
      tags: [{ key: 'team', value: 'web' }],
    });
    expect(warnings).toHaveLength(1 + DESCRIBE_ONLY_FIELDS.length + 1);
    expect(warnings.at(-1)).toBe('Dropped null values at /cpu.');
    expect(warnings[1]).toBe(
      'Ignoring "taskDefinitionArn": DescribeTaskDefinition returns it, RegisterTaskDefinition does not take it.',
    );
  });

  test('a plain definition passes untouched and quietly', () => {
    const plain = { family: 'api', containerDefinitions: [{ name: 'a', image: 'b', environment: [] }] };
    expect(normalizeTaskDefinition(plain)).toEqual({ definition: plain, warnings: [] });
  });

  test('not an object', () => {
    expect(() => normalizeTaskDefinition([])).toThrow('a task definition is a JSON object');
  });
});

const corpus = join(ROOT, '..', 'shared', 'corpus', 'task-definitions');
const haveCorpus = existsSync(join(corpus, 'expectations.json'));
if (!haveCorpus)
  console.warn(`normalize on the corpus: skipped, ${corpus} is not there (a clone without ../shared)`);

(haveCorpus ? test : test.skip)(
  'the corpus files marked accept-after-normalize come out with no describe-only field or null',
  () => {
    const expectations = JSON.parse(readFileSync(join(corpus, 'expectations.json'), 'utf8')) as Record<
      string,
      { expected: string }
    >;
    const files = Object.entries(expectations)
      .filter(([, v]) => v.expected === 'accept-after-normalize')
      .map(([f]) => f);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { definition, warnings } = normalizeTaskDefinition(
        JSON.parse(readFileSync(join(corpus, file), 'utf8')),
      );
      const text = JSON.stringify(definition);
      expect([file, warnings.length > 0]).toEqual([file, true]);
      expect([file, text.includes('null')]).toEqual([file, false]);
      for (const key of DESCRIBE_ONLY_FIELDS) expect([file, key in definition]).toEqual([file, false]);
      expect([file, typeof definition['family'], Array.isArray(definition['containerDefinitions'])]).toEqual([
        file,
        'string',
        true,
      ]);
    }
  },
);
