import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { bypassesProxy } from '../../src/aws/proxy.js';
import { decodeToken } from '../../src/ecr/auth.js';
import { addAuths, dockerConfigPath, fingerprint, removeAuths } from '../../src/ecr/docker-config.js';
import { outputSuffix, parseRegistryRef, planRegions } from '../../src/ecr/registry.js';

describe('registry references', () => {
  test.each([
    ['123456789012', { kind: 'account', accountId: '123456789012' }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      {
        kind: 'uri',
        accountId: '123456789012',
        region: 'eu-west-1',
        host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      },
    ],
    [
      'https://123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/',
      {
        kind: 'uri',
        accountId: '123456789012',
        region: 'us-gov-west-1',
        host: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      {
        kind: 'uri',
        accountId: '123456789012',
        region: 'cn-north-1',
        host: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      },
    ],
    [
      '123456789012.dkr-ecr.us-east-1.on.aws',
      {
        kind: 'uri',
        accountId: '123456789012',
        region: 'us-east-1',
        host: '123456789012.dkr-ecr.us-east-1.on.aws',
      },
    ],
    ['PUBLIC.ECR.AWS', { kind: 'public' }],
  ])('%s', (input, expected) => expect(parseRegistryRef(input)).toEqual(expected));

  test.each(['12345678901', 'ecr', '123456789012.dkr.ecr.amazonaws.com', 'docker.io'])(
    '%s is refused',
    (input) => {
      expect(parseRegistryRef(input)).toHaveProperty('problem');
    },
  );

  test('output names are sanitized as the official action does', () => {
    expect(outputSuffix('123456789012.dkr.ecr.us-east-1.amazonaws.com')).toBe(
      '123456789012_dkr_ecr_us_east_1_amazonaws_com',
    );
    expect(outputSuffix('public.ecr.aws')).toBe('public_ecr_aws');
  });

  test('regions are planned per reference', () => {
    const refs = [
      { kind: 'account' as const, accountId: '111111111111' },
      { kind: 'uri' as const, accountId: '222222222222', region: 'eu-west-1', host: 'h' },
      { kind: 'account' as const, accountId: '333333333333' },
    ];
    expect([...planRegions(refs, 'us-east-2').entries()].map(([r, l]) => [r, l.length])).toEqual([
      ['us-east-2', 2],
      ['eu-west-1', 1],
    ]);
  });
});

describe('authorization tokens', () => {
  test('decoded into user and password; the password may hold colons', () => {
    expect(decodeToken(Buffer.from('AWS:a:b=').toString('base64'), 'r')).toEqual({
      username: 'AWS',
      password: 'a:b=',
    });
  });
  test.each(['', Buffer.from('nocolon').toString('base64'), Buffer.from('AWS:').toString('base64')])(
    '%j is refused',
    (t) => {
      expect(() => decodeToken(t, 'reg')).toThrow('not of the form user:password');
    },
  );
});

describe('Docker config file', () => {
  test('path: DOCKER_CONFIG, else HOME/.docker', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/cfg', HOME: '/h' })).toBe(join('/cfg', 'config.json'));
    expect(dockerConfigPath({ HOME: '/h' })).toBe(join('/h', '.docker', 'config.json'));
  });

  test('merge, warn about credential helpers, remove only unchanged entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    const path = join(dir, 'config.json');
    await writeFile(
      path,
      JSON.stringify({ credHelpers: { 'b.example': 'ecr-login' }, auths: { keep: { auth: 'eA==' } } }),
    );
    const { written, warnings } = await addAuths(path, [
      { registry: 'a.example', username: 'AWS', password: 'p1' },
      { registry: 'b.example', username: 'AWS', password: 'p2' },
    ]);
    expect(warnings).toEqual([expect.stringContaining("credential helper 'ecr-login' for b.example")]);
    const afterAdd = JSON.parse(await readFile(path, 'utf8'));
    expect(afterAdd.auths['a.example'].auth).toBe(Buffer.from('AWS:p1').toString('base64'));
    expect(afterAdd.credHelpers).toEqual({ 'b.example': 'ecr-login' });
    expect(written[0]!.fingerprint).toBe(fingerprint(Buffer.from('AWS:p1').toString('base64')));
    expect(JSON.stringify(written)).not.toContain(Buffer.from('AWS:p1').toString('base64'));

    afterAdd.auths['b.example'] = { auth: 'changed' };
    await writeFile(path, JSON.stringify(afterAdd));
    expect(await removeAuths(path, written)).toEqual(['a.example']);
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')).auths).sort()).toEqual(['b.example', 'keep']);
  });

  test('a broken config file is reported with its line, not overwritten', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    const path = join(dir, 'config.json');
    await writeFile(path, '{\n  "auths": {,\n}');
    await expect(addAuths(path, [{ registry: 'r', username: 'u', password: 'p' }])).rejects.toThrow(
      /config.json is not valid JSON \(.*line 2, column 13\); fix or remove it/,
    );
    expect(await readFile(path, 'utf8')).toBe('{\n  "auths": {,\n}');
  });
});

describe('NO_PROXY', () => {
  test.each([
    ['api.ecr.us-east-1.amazonaws.com', 443, '.amazonaws.com', true],
    ['api.ecr.us-east-1.amazonaws.com', 443, 'amazonaws.com', true],
    ['api.ecr.us-east-1.amazonaws.com', 443, '*.amazonaws.com', true],
    ['notamazonaws.com', 443, 'amazonaws.com', false],
    ['127.0.0.1', 8080, 'localhost,127.0.0.1', true],
    ['127.0.0.1', 8080, '127.0.0.1:9090', false],
    ['127.0.0.1', 9090, '127.0.0.1:9090', true],
    ['anything', 1, '*', true],
    ['host', 1, undefined, false],
  ] as [string, number, string | undefined, boolean][])(
    '%s:%i with NO_PROXY=%s → %s',
    (host, port, noProxy, expected) => {
      expect(bypassesProxy(host, port, noProxy)).toBe(expected);
    },
  );
});
