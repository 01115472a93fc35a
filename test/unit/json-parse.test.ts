import { describe, expect, test } from '@jest/globals';
import { JsonSyntaxError, parseJson } from '../../src/json/parse.js';

describe('parseJson', () => {
  const valid = [
    '{}',
    '[]',
    '0',
    '-1.5e+3',
    '"a\\u00e9\\n"',
    'true',
    'null',
    ' { "a" : [1, {"b": null}] } ',
    '"\\ud83d\\ude00"',
  ];
  test.each(valid)('agrees with JSON.parse on %s', (text) => {
    expect(parseJson(text).value).toEqual(JSON.parse(text));
  });

  const invalid: [string, string, number, number][] = [
    ['{"a": 1,}', 'trailing comma in object', 1, 9],
    ['[1, 2,]', 'trailing comma in array', 1, 7],
    ["{'a': 1}", 'expected a "quoted" key', 1, 2],
    ['{"a" 1}', "expected ':' after key", 1, 6],
    ['{\n  "a": 01\n}', "expected ',' or '}'", 2, 9],
    ['{"a": "x\ny"}', 'control character in string', 1, 9],
    ['[1] 2', 'unexpected content after the JSON value', 1, 5],
    ['', 'unexpected end of input', 1, 1],
    ['{"a": tru}', 'unexpected character', 1, 7],
  ];
  test.each(invalid)('%j fails with "%s" at line %i', (text, reason, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    try {
      parseJson(text);
      throw new Error('parsed');
    } catch (error) {
      expect(error).toBeInstanceOf(JsonSyntaxError);
      const e = error as JsonSyntaxError;
      expect(e.reason).toContain(reason);
      expect(e.position.line).toBe(line);
      if (column) expect(e.position.column).toBe(column);
    }
  });

  test('records where each value and key starts, by JSON pointer', () => {
    const text = '{\n  "family": "web",\n  "containerDefinitions": [\n    {"name": "app", "a/b": 1}\n  ]\n}';
    const { positions } = parseJson(text, { positions: true });
    expect(positions.get('/family')).toMatchObject({ line: 2, column: 3 });
    expect(positions.get('/containerDefinitions/0')).toMatchObject({ line: 4, column: 5 });
    expect(positions.get('/containerDefinitions/0/name')).toMatchObject({ line: 4, column: 6 });
    expect(positions.get('/containerDefinitions/0/a~1b')).toMatchObject({ line: 4, column: 21 });
  });

  test('a __proto__ key is data, not a prototype', () => {
    const { value } = parseJson('{"__proto__": {"polluted": true}}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(value as object)).toEqual(['__proto__']);
  });
});
