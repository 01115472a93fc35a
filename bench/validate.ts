/**
 * Validator throughput: the corpus (../shared/corpus/task-definitions, or this repository's fixtures when
 * it is absent) repeated to 10,000 files, validated in this process from text in memory; files per
 * second, median of several passes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preloadYaml } from '../src/validate/source.js';
import { validateText } from '../src/validate/validate.js';
import { ROOT } from '../test/harness/runner.js';
import { median } from './cold-start.js';

export async function validateThroughput(passes: number) {
  await preloadYaml();
  const corpus = join(ROOT, '..', 'shared', 'corpus', 'task-definitions');
  const fixtures = join(ROOT, 'test', 'fixtures', 'task-definitions');
  const source = existsSync(corpus) ? corpus : fixtures;
  const files = readdirSync(source, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(json|ya?ml)$/.test(e.name) && e.name !== 'expectations.json')
    .map((e) => join(e.parentPath, e.name));
  const texts = files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));
  const total = 10_000;
  const rates: number[] = [];
  let findings = 0;
  for (let p = 0; p < passes; p++) {
    const started = process.hrtime.bigint();
    findings = 0;
    for (let i = 0; i < total; i++) {
      const t = texts[i % texts.length]!;
      findings += validateText(t.text, { file: t.file }).length;
    }
    rates.push(total / (Number(process.hrtime.bigint() - started) / 1e9));
  }
  return {
    source: source === corpus ? `the corpus (${files.length} files)` : `the fixtures (${files.length} files)`,
    filesPerSecond: Math.round(median(rates)),
    findingsPerPass: findings,
  };
}
