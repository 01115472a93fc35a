import { expect, test } from '@jest/globals';
import { shellWords } from '../../src/taskdef/words.js';

test.each([
  ['npm run migrate', ['npm', 'run', 'migrate']],
  [`sh -c 'echo $HOME && ls'`, ['sh', '-c', 'echo $HOME && ls']],
  [`echo "a \\"quoted\\" word" b\\ c`, ['echo', 'a "quoted" word', 'b c']],
  [`  spaced   out  `, ['spaced', 'out']],
  [`''`, ['']],
  [`a"b"'c'`, ['abc']],
])('%s', (line, words) => expect(shellWords(line)).toEqual(words));

test('unclosed quotes are reported', () => {
  expect(shellWords(`echo 'x`)).toEqual({ problem: 'a single quote is not closed' });
  expect(shellWords(`echo "x`)).toEqual({ problem: 'a double quote is not closed' });
});
