import { describe, expect, test } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/duration.js';
import { UserError } from '../../src/errors.js';
import {
  accountId,
  arn,
  boolean,
  duration,
  integer,
  json,
  list,
  oneOf,
  readInputs,
  region,
  text,
} from '../../src/github/inputs.js';

const read = <T>(spec: { read(raw: string | undefined, name: string): T }, raw: string | undefined) =>
  spec.read(raw, 'x');
const fails = (spec: { read(raw: string | undefined, name: string): unknown }, raw: string | undefined) => {
  try {
    spec.read(raw, 'the-input');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
};

describe('boolean', () => {
  const b = boolean({ default: 'true' });
  test.each(['true', 'True', 'TRUE'])('%s is true', (v) => expect(read(b, v)).toBe(true));
  test.each(['false', 'False', 'FALSE'])('%s is false', (v) => expect(read(b, v)).toBe(false));
  test('empty takes the default', () => expect(read(boolean({ default: 'false' }), '')).toBe(false));
  test.each(['yes', 'on', '1', 'tRue', 'yes please'])(
    '%s is refused with the input named and the value shown',
    (v) => {
      expect(fails(b, v)).toBe(
        `Input 'the-input' has the value "${v}", which is not accepted: true or false (YAML 1.2 booleans: true, True, TRUE, false, False, FALSE).`,
      );
    },
  );
});

describe('integer', () => {
  const i = integer({ min: 1, max: 10 });
  test('in range', () => expect(read(i, ' 7 ')).toBe(7));
  test('empty optional is undefined', () => expect(read(i, '')).toBeUndefined());
  test('default', () => expect(read(integer({ min: 0, max: 5, default: '3' }), '')).toBe(3));
  test('0 is kept, not turned into a default', () =>
    expect(read(integer({ min: 0, max: 5, default: '3' }), '0')).toBe(0));
  test.each(['0', '11', '1.5', '1e1', '0x5', 'ten'])('%s is refused', (v) => {
    expect(fails(i, v)).toContain('a whole number from 1 to 10');
  });
});

describe('oneOf', () => {
  const e = oneOf(['private', 'public'], { default: 'private' });
  test('exact', () => expect(read(e, 'public')).toBe('public'));
  test('wrong case suggests the right one', () =>
    expect(fails(e, 'PUBLIC')).toContain("did you mean 'public'?"));
  test('unknown lists the values', () => expect(fails(e, 'both')).toContain('one of private, public'));
});

describe('list', () => {
  test('commas and newlines, trimmed, blanks and duplicates dropped', () => {
    expect(read(list({ default: '' }), ' a, b\n\nc ,a,')).toEqual(['a', 'b', 'c']);
  });
  test('item parser errors name the item', () => {
    const l = list({ item: (s: string) => (s.length > 1 ? s : { problem: 'too short' }), default: '' });
    expect(fails(l, 'ab, c')).toBe(`Input 'the-input' item 2 "c" is not accepted: too short.`);
  });
});

describe('json', () => {
  test('parses', () => expect(read(json({ shape: 'array' }), '[{"a": 1}]')).toEqual([{ a: 1 }]));
  test('says where it broke', () => {
    expect(fails(json(), '{\n  "a": 1,\n  "b": }')).toContain('line 3, column 8');
  });
  test('wrong shape', () =>
    expect(fails(json({ shape: 'array' }), '{}')).toContain('a JSON array, not a JSON object'));
  test('secrets are not echoed', () => {
    const message = fails(json({ secret: true }), '{"password": "hunter2"');
    expect(message).not.toContain('hunter2');
  });
});

describe('duration', () => {
  const d = duration({ min: '1s', max: '6h', default: '30m' });
  test.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1500],
  ])('%s', (v, ms) => expect(read(d, v)).toBe(ms));
  test('default', () => expect(read(d, '')).toBe(1_800_000));
  test.each(['90', '7h', '10 m', '-5s', 'soon', '500ms'])('%s is refused', (v) => {
    expect(fails(d, v)).toContain('a duration from 1s to 6h with a unit');
  });
  test('format', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(61_000)).toBe('1m1s');
    expect(formatDuration(250)).toBe('250ms');
    expect(parseDuration('2h')).toBe(7_200_000);
  });
});

describe('region, account ID, ARN', () => {
  test.each([
    'us-east-1',
    'eu-central-2',
    'us-gov-west-1',
    'cn-north-1',
    'us-isob-east-1',
    'ap-southeast-5',
    'eusc-de-east-1',
  ])('region %s', (v) => expect(read(region(), v)).toBe(v));
  test.each(['us-east', 'US-EAST-1', 'useast1', 'us_east_1'])('region %s is refused', (v) => {
    expect(fails(region(), v)).toContain('an AWS region code');
  });
  test('account IDs stay strings with their leading zeros', () =>
    expect(read(accountId(), '012345678901')).toBe('012345678901'));
  test('an 11-digit account ID hints at YAML', () => {
    expect(fails(accountId(), '12345678901')).toContain("quote it in YAML ('012345678901')");
  });
  test('ARN of a kind', () => {
    const a = arn({ service: 'imagebuilder', resourceType: 'image-pipeline' });
    const ok = 'arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/ecs-ami';
    expect(read(a, ok)).toBe(ok);
    expect(fails(a, 'arn:aws:ecs:us-east-1:123456789012:cluster/x')).toContain(
      'an ARN of an imagebuilder image-pipeline',
    );
    expect(fails(a, 'image-pipeline/ecs-ami')).toContain('an ARN');
    expect(read(arn(), 'arn:aws-cn:ecs:cn-north-1:123456789012:cluster/x')).toContain('aws-cn');
  });
});

describe('text and required', () => {
  test('required and missing', () =>
    expect(fails(text({ required: true }), '  ')).toBe("Input 'the-input' is required: any text."));
  test('pattern', () =>
    expect(fails(text({ pattern: /^[a-z]+$/, accepted: 'lower-case letters' }), 'A')).toContain(
      'lower-case letters',
    ));
  test('secret values are hidden', () => {
    const message = fails(text({ pattern: /^x$/, secret: true }), 'hunter2');
    expect(message).not.toContain('hunter2');
    expect(message).toContain('value hidden');
  });
});

test('readInputs reads every declared input from the source and stops at the first problem', () => {
  const spec = { a: integer({ min: 1, max: 3, default: '2' }), b: boolean({ default: 'false' }), c: text() };
  expect(readInputs(spec, (n) => ({ b: 'true' })[n])).toEqual({ a: 2, b: true, c: undefined });
  expect(() => readInputs(spec, (n) => ({ a: '9' })[n])).toThrow('Input \'a\' has the value "9"');
});
