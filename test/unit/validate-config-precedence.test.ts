// The config file's profile and normalize apply when the action or the CLI leaves them at their defaults
// (profile auto, normalize false): both always pass a value, which used to hide the config's.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { validateFiles } from '../../src/validate/run.js';

test('validate.profile and validate.normalize from the config apply under the defaults; explicit values win', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'precedence-'));
  // No requiresCompatibilities: only the profile makes it a Fargate task (which needs task cpu/memory).
  await writeFile(
    join(dir, 'td.json'),
    JSON.stringify({
      family: 'web',
      revision: 3,
      containerDefinitions: [
        { name: 'web', image: 'nginx', memory: 128, readonlyRootFilesystem: true, user: '1000' },
      ],
    }),
  );
  await writeFile(join(dir, '.ecs-shipyard.yml'), 'validate:\n  profile: fargate\n  normalize: true\n');
  const rules = async (o: { profile?: 'auto' | 'ec2'; normalize?: boolean }) =>
    (await validateFiles({ cwd: dir, patterns: ['td.json'], ...o })).findings.map(
      (f) => `${f.severity} ${f.rule}`,
    );
  const defaults = await rules({ profile: 'auto', normalize: false });
  expect(defaults).toContain('error fargate-cpu-memory');
  expect(defaults).toContain('warning describe-output'); // revision: normalized, so a warning
  const explicit = await rules({ profile: 'ec2', normalize: false });
  expect(explicit).not.toContain('error fargate-cpu-memory');
});
