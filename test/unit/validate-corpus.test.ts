// The validator over the 132 real public task definitions in ../shared/corpus with their expected
// verdicts: accepted files get no error, rejected ones get AWS's message on the line of the offending key,
// describe output passes only in normalize mode, fragments and templates fail.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import type { Finding } from '../../src/validate/findings.js';
import { validateText } from '../../src/validate/validate.js';
import { ROOT } from '../harness/runner.js';

const corpus = join(ROOT, '..', 'shared', 'corpus', 'task-definitions');
const haveCorpus = existsSync(join(corpus, 'expectations.json'));
if (!haveCorpus)
  console.warn(`validator corpus: skipped, ${corpus} is not there (a clone without ../shared)`);

type Expectation = { expected: string; findings: string[] };
const load = () =>
  Object.entries(
    JSON.parse(readFileSync(join(corpus, 'expectations.json'), 'utf8')) as Record<string, Expectation>,
  );
const errors = (f: Finding[]) => f.filter((x) => x.severity === 'error');

/** The last key of a finding's pointer must be on the line the finding names (array items: the line of the item). */
function pointsAtItsKey(text: string, f: Finding): boolean {
  const key = f.pointer.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
  if (f.pointer === '' || f.rule === 'syntax') return true;
  const line = text.split('\n')[f.line - 1] ?? '';
  return /^\d+$/.test(key) ? line.trim() !== '' : line.includes(`"${key}"`) || line.includes(`${key}:`);
}

(haveCorpus ? test : test.skip)('every corpus file gets its expected verdict', () => {
  const disagreements: string[] = [];
  for (const [file, e] of load()) {
    const text = readFileSync(join(corpus, file), 'utf8');
    const strict = validateText(text, { file });
    // AWS's verdict is on the file as it is, that is, as what will be registered.
    const registered = validateText(text, { file, placeholders: 'error' });
    const normalized = validateText(text, { file, normalize: true });
    const say = (why: string, f: Finding[]) =>
      disagreements.push(
        `${file} (${e.expected}): ${why}: ${f.map((x) => `${x.line}:${x.rule} ${x.message}`).join(' | ')}`,
      );
    for (const f of strict) if (!pointsAtItsKey(text, f)) say(`finding not on its key's line`, [f]);
    switch (e.expected) {
      case 'accept':
      case 'accept-with-placeholders':
        if (errors(strict).length) say('errors on a file AWS accepts', errors(strict));
        break;
      case 'accept-after-normalize':
        if (!errors(strict).some((f) => f.rule === 'describe-output'))
          say('describe output not reported', strict);
        if (errors(normalized).length) say('errors after normalization', errors(normalized));
        if (!normalized.some((f) => f.rule === 'describe-output' && f.severity === 'warning'))
          say('no warning per stripped key', normalized);
        break;
      case 'invalid-json': {
        const f = errors(strict);
        if (f.length !== 1 || f[0]!.rule !== 'syntax' || !/at line \d+, column \d+/.test(f[0]!.message))
          say('not one syntax error with line and column', f);
        break;
      }
      case 'reject': {
        // Each of AWS's quoted messages (or the member botocore names) appears in an error.
        const wanted = e.findings.flatMap((x) => [...x.matchAll(/"([^"]+)"/g)].map((m) => m[1]!));
        for (const quote of wanted) {
          const needle = quote.replace(/^containerDefinitions\[\d+\]\./, '');
          if (
            !errors(registered).some(
              (f) => f.message.includes(needle) || f.message.includes(needle.replace(/'/g, '"')),
            )
          )
            say(`no error saying ${JSON.stringify(needle)}`, errors(registered));
        }
        if (!errors(registered).length) say('no error', registered);
        break;
      }
      case 'templated': {
        // Judged as what will be registered, its placeholders are errors; as the template a pull request
        // changes (the default), they are one notice.
        if (!errors(registered).some((f) => f.rule === 'template-placeholder'))
          say('no placeholder error with placeholders: error', errors(registered));
        if (!strict.some((f) => f.rule === 'template-placeholder' && f.severity === 'notice'))
          say('no placeholder notice by default', strict);
        break;
      }
      default:
        // fragment: errors (missing name/image/family).
        if (!errors(strict).length) say('no error', strict);
    }
  }
  expect(disagreements).toEqual([]);
});

(haveCorpus ? test : test.skip)('rejections point at the line of the offending key', () => {
  const files = Object.fromEntries(load());
  const at = (file: string, rule: string) => {
    const text = readFileSync(join(corpus, file), 'utf8');
    const f = validateText(text, { file }).find((x) => x.rule === rule)!;
    return text.split('\n')[f.line - 1]!.trim();
  };
  expect(files['007_acs_kibana_kibana_ec2.json']!.expected).toBe('reject');
  expect(at('007_acs_kibana_kibana_ec2.json', 'port-mappings')).toMatch(/^"hostPort": ?80/);
  expect(at('004_acs_gunicorn_gunicorn_fargate.json', 'execution-role')).toMatch(/^"logConfiguration"/);
  expect(at('129_devguide_doc_source_tutorial-wfsx-volumes.md_codeblock1_L274.json', 'volumes')).toMatch(
    /"sourceVolume": "fsx-windows-dir"/,
  );
});
