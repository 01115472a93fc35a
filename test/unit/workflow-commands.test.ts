// Workflow commands as the runner reads them: the parser below follows actions/runner's
// ActionCommand.TryParseV2 (split at the first "::" after the name, properties on "," and the first
// "=", then the unescaping, "%25" last), so a command that does not come back as written fails here.
import { afterEach, describe, expect, test } from '@jest/globals';
import * as core from '@actions/core';
import { escapeData, escapeProperty, workflowCommand } from '../../src/workflow-commands.js';

function unescape(s: string, tokens: [string, string][]): string {
  let out = s;
  for (const [replacement, token] of tokens) out = out.split(replacement).join(token);
  return out;
}
const DATA: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
];
const PROPERTY: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
];

function parse(line: string) {
  const message = line.trimStart();
  if (!message.startsWith('::')) throw new Error(`not a command: ${line}`);
  const end = message.indexOf('::', 2);
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1)
        properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), PROPERTY);
    }
  }
  return {
    command: space < 0 ? info : info.slice(0, space),
    properties,
    data: unescape(message.slice(end + 2), DATA),
  };
}

const TRICKY = {
  file: 'C:\\work\\defs,old\\task-definition:1.json',
  title: 'a::b, c',
  message: 'line one\nline two\r\n100% done, literally %0A and %25 :: end',
};

describe('escaping', () => {
  test('message: % CR LF; property: also : and ,', () => {
    expect(escapeData('50%\r\nnext: a, b')).toBe('50%25%0D%0Anext: a, b');
    expect(escapeProperty('50%\r\nnext: a, b')).toBe('50%25%0D%0Anext%3A a%2C b');
    // % first: text that already looks escaped is kept as written.
    expect(escapeData('%0A')).toBe('%250A');
  });

  test('a command is one line and comes back as written', () => {
    const line = workflowCommand(
      'error',
      { file: TRICKY.file, line: 12, col: 3, title: TRICKY.title },
      TRICKY.message,
    );
    expect(line).not.toMatch(/[\r\n]/);
    expect(parse(line)).toEqual({
      command: 'error',
      properties: { file: TRICKY.file, line: '12', col: '3', title: TRICKY.title },
      data: TRICKY.message,
    });
  });

  test('properties left undefined are left out; no properties, no space', () => {
    expect(workflowCommand('warning', { file: 'a.json', line: undefined }, 'm')).toBe(
      '::warning file=a.json::m',
    );
    expect(workflowCommand('notice', {}, '')).toBe('::notice::');
  });
});

describe('the same as @actions/core writes', () => {
  const write = process.stdout.write.bind(process.stdout);
  afterEach(() => {
    process.stdout.write = write;
  });

  test('an error annotation reads back the same from both', () => {
    const printed: string[] = [];
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    core.error(TRICKY.message, { file: TRICKY.file, startLine: 12, startColumn: 3, title: TRICKY.title });
    process.stdout.write = write;
    const ours = workflowCommand(
      'error',
      { file: TRICKY.file, line: 12, col: 3, title: TRICKY.title },
      TRICKY.message,
    );
    expect(parse(ours)).toEqual(parse(printed.join('').trimEnd()));
  });
});
