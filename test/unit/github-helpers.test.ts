import { describe, expect, test } from '@jest/globals';
import { annotationProperties } from '../../src/github/annotations.js';
import { consoleLinks, link } from '../../src/github/summary.js';

describe('annotations', () => {
  test('file paths are made relative to the workspace; one line keeps its columns', () => {
    expect(
      annotationProperties(
        {
          level: 'error',
          message: 'm',
          file: '/ws/app/task.json',
          line: 12,
          column: 5,
          endColumn: 9,
          title: 'Memory',
        },
        '/ws',
      ),
    ).toEqual({
      title: 'Memory',
      file: 'app/task.json',
      startLine: 12,
      endLine: 12,
      startColumn: 5,
      endColumn: 9,
    });
  });
  test('a span of lines drops the columns, which GitHub would ignore', () => {
    expect(
      annotationProperties(
        { level: 'warning', message: 'm', file: 'a.json', line: 3, endLine: 7, column: 2 },
        '/ws',
      ),
    ).toEqual({
      file: 'a.json',
      startLine: 3,
      endLine: 7,
    });
  });
});

describe('summary links', () => {
  test('console hosts per partition', () => {
    expect(consoleLinks.ecrPrivateRepositories('eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecr/private-registry/repositories?region=eu-west-1',
    );
    expect(consoleLinks.ecrPrivateRepositories('cn-north-1')).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//,
    );
    expect(consoleLinks.ecrPrivateRepositories('us-gov-west-1')).toMatch(/amazonaws-us-gov\.com/);
  });
  test('link text and address are escaped', () => {
    expect(link('a<b', 'https://x/?a=1&b="2"')).toBe(
      '<a href="https://x/?a=1&amp;b=&quot;2&quot;">a&lt;b</a>',
    );
  });
});
