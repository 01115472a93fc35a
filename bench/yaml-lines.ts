/**
 * Lines of YAML a user writes for each use case: our starter template versus the official actions wired
 * by hand for the same result (bench/yaml-lines/). Counted: lines that are neither blank nor comments.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');

export function yamlLines(text: string): number {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
}

export async function yamlLineCounts() {
  const cases = [
    ['Deploy on push (build, push, deploy)', 'deploy-ecs-service'],
    ['Nightly AMI rebuild', 'rebuild-ecs-ami'],
    ['Pull-request task definition check', 'validate-task-definitions'],
  ] as const;
  return Promise.all(
    cases.map(async ([useCase, name]) => {
      const ours = yamlLines(await readFile(join(ROOT, 'workflows-templates', `${name}.yml`), 'utf8'));
      const byHand = yamlLines(await readFile(join(ROOT, 'bench', 'yaml-lines', `${name}.yml`), 'utf8'));
      return { useCase, ours, byHand };
    }),
  );
}
