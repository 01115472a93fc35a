import { describe, expect, test } from '@jest/globals';
import { asStored, storedText } from '../../src/taskdef/stored.js';

type Json = Record<string, unknown>;
const containers = (d: Json) => d['containerDefinitions'] as Json[];

describe('asStored fills in what ECS fills in', () => {
  test('a bare container gets cpu 0, essential true and the five empty lists ECS returns', () => {
    const out = asStored({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx' }] });
    expect(out).toEqual({
      family: 'web',
      volumes: [],
      placementConstraints: [],
      containerDefinitions: [
        {
          name: 'app',
          image: 'nginx',
          cpu: 0,
          essential: true,
          environment: [],
          mountPoints: [],
          portMappings: [],
          volumesFrom: [],
          systemControls: [],
        },
      ],
    });
  });

  test('values a file sets are kept (essential false, a container cpu)', () => {
    const [c] = containers(
      asStored({
        family: 'web',
        containerDefinitions: [{ name: 'a', image: 'x', essential: false, cpu: 128 }],
      }),
    );
    expect(c).toMatchObject({ essential: false, cpu: 128 });
  });

  test.each([
    ['awsvpc', { containerPort: 80, hostPort: 80, protocol: 'tcp' }],
    ['host', { containerPort: 80, hostPort: 80, protocol: 'tcp' }],
    ['bridge', { containerPort: 80, protocol: 'tcp' }],
  ])('%s: port protocol tcp, and the host port that network mode implies', (networkMode, port) => {
    const [c] = containers(
      asStored({
        family: 'web',
        networkMode,
        containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ containerPort: 80 }] }],
      }),
    );
    expect(c!['portMappings']).toEqual([port]);
  });

  test('bridge: hostPort 0 and no hostPort both ask for a dynamic port, and read the same', () => {
    const def = (p: Json) => ({
      family: 'w',
      containerDefinitions: [{ name: 'a', image: 'x', portMappings: [p] }],
    });
    expect(asStored(def({ containerPort: 80, hostPort: 0 }))).toEqual(asStored(def({ containerPort: 80 })));
    expect(asStored(def({ containerPort: 80, hostPort: 8080 }))).not.toEqual(
      asStored(def({ containerPort: 80 })),
    );
  });

  test('a port range gets no host port (ECS sets host ranges only on running tasks)', () => {
    const [c] = containers(
      asStored({
        family: 'w',
        networkMode: 'awsvpc',
        containerDefinitions: [
          { name: 'a', image: 'x', portMappings: [{ containerPortRange: '8000-8010' }] },
        ],
      }),
    );
    expect(c!['portMappings']).toEqual([{ containerPortRange: '8000-8010', protocol: 'tcp' }]);
  });

  test('a health check gets interval 30, timeout 5 and retries 3 unless it sets them', () => {
    const [c] = containers(
      asStored({
        family: 'w',
        containerDefinitions: [
          { name: 'a', image: 'x', healthCheck: { command: ['CMD', 'true'], retries: 5 } },
        ],
      }),
    );
    expect(c!['healthCheck']).toEqual({ command: ['CMD', 'true'], interval: 30, timeout: 5, retries: 5 });
  });

  test('task cpu and memory become units and MiB strings', () => {
    expect(
      asStored({ family: 'w', cpu: '0.5 vCPU', memory: '1 GB', containerDefinitions: [] }),
    ).toMatchObject({
      cpu: '512',
      memory: '1024',
    });
    expect(asStored({ family: 'w', cpu: 256, memory: 512, containerDefinitions: [] })).toMatchObject({
      cpu: '256',
      memory: '512',
    });
  });
});

describe('asStored drops what is not part of the definition', () => {
  test('describe-only fields and tags go; a describe-task-definition result is unwrapped', () => {
    const registered = {
      taskDefinition: {
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7',
        family: 'web',
        revision: 7,
        status: 'ACTIVE',
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
        compatibilities: ['EC2', 'FARGATE'],
        registeredAt: 1700000000,
        registeredBy: 'arn:aws:sts::123456789012:assumed-role/ci/run',
        containerDefinitions: [{ name: 'app', image: 'nginx' }],
      },
      tags: [{ key: 'team', value: 'web' }],
    };
    expect(asStored(registered)).toEqual(
      asStored({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx' }],
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    expect(Object.keys(asStored(registered)).sort()).toEqual([
      'containerDefinitions',
      'family',
      'placementConstraints',
      'volumes',
    ]);
  });

  test('empty lists and the default enableFaultInjection read as absent; nulls are dropped', () => {
    const full = {
      family: 'w',
      requiresCompatibilities: [],
      enableFaultInjection: false,
      containerDefinitions: [
        {
          name: 'a',
          image: 'x',
          secrets: [],
          ulimits: [],
          command: [],
          dependsOn: null,
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' }, secretOptions: [] },
        },
      ],
    };
    const bare = {
      family: 'w',
      containerDefinitions: [
        {
          name: 'a',
          image: 'x',
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } },
        },
      ],
    };
    expect(asStored(full)).toEqual(asStored(bare));
    expect(asStored({ ...bare, enableFaultInjection: true })).toHaveProperty('enableFaultInjection', true);
  });

  test('the argument is not changed', () => {
    const input = {
      family: 'w',
      cpu: '1 vCPU',
      containerDefinitions: [
        { name: 'b', image: 'x' },
        { name: 'a', image: 'y' },
      ],
    };
    const copy = structuredClone(input);
    asStored(input);
    expect(input).toEqual(copy);
  });
});

describe('asStored sorts what ECS treats as sets and keeps what is ordered', () => {
  const task = (container: Json, top: Json = {}) => ({
    family: 'w',
    ...top,
    containerDefinitions: [{ name: 'a', image: 'x', ...container }],
  });
  test.each<[string, Json, Json]>([
    [
      'environment',
      {
        environment: [
          { name: 'B', value: '2' },
          { name: 'A', value: '1' },
        ],
      },
      {},
    ],
    [
      'secrets',
      {
        secrets: [
          { name: 'B', valueFrom: 'b' },
          { name: 'A', valueFrom: 'a' },
        ],
      },
      {},
    ],
    [
      'ulimits',
      {
        ulimits: [
          { name: 'nproc', softLimit: 1, hardLimit: 1 },
          { name: 'nofile', softLimit: 2, hardLimit: 2 },
        ],
      },
      {},
    ],
    [
      'systemControls',
      {
        systemControls: [
          { namespace: 'net.ipv4.b', value: '1' },
          { namespace: 'net.ipv4.a', value: '1' },
        ],
      },
      {},
    ],
    [
      'capabilities',
      { linuxParameters: { capabilities: { add: ['SYS_PTRACE', 'NET_ADMIN'], drop: ['MKNOD', 'CHOWN'] } } },
      {},
    ],
    [
      'dependsOn',
      {
        dependsOn: [
          { containerName: 'z', condition: 'START' },
          { containerName: 'b', condition: 'HEALTHY' },
        ],
      },
      {},
    ],
    [
      'portMappings',
      {
        portMappings: [{ containerPort: 443 }, { containerPort: 80, protocol: 'udp' }, { containerPort: 80 }],
      },
      {},
    ],
    [
      'mountPoints',
      {
        mountPoints: [
          { sourceVolume: 'v', containerPath: '/z' },
          { sourceVolume: 'v', containerPath: '/a' },
        ],
      },
      {},
    ],
    ['volumes', {}, { volumes: [{ name: 'z' }, { name: 'a' }] }],
    ['requiresCompatibilities', {}, { requiresCompatibilities: ['FARGATE', 'EC2'] }],
    [
      'placementConstraints',
      {},
      {
        placementConstraints: [
          { type: 'memberOf', expression: 'b' },
          { type: 'memberOf', expression: 'a' },
        ],
      },
    ],
  ])('%s: another order is the same definition', (_name, container, top) => {
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? [...v].reverse().map(reversed)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reversed(x)]))
          : v;
    const a = asStored(task(container, top));
    const b = asStored(task(reversed(container) as Json, reversed(top) as Json));
    expect(b).toEqual(a);
    // …and the lists really were in another order.
    expect(JSON.stringify(reversed(container)) + JSON.stringify(reversed(top))).not.toBe(
      JSON.stringify(container) + JSON.stringify(top),
    );
  });

  test('port mappings are sorted by container port, then protocol', () => {
    const [c] = containers(
      asStored(
        task({
          portMappings: [
            { containerPort: 443 },
            { containerPort: 80, protocol: 'udp' },
            { containerPort: 80 },
          ],
        }),
      ),
    );
    expect(
      (c!['portMappings'] as Json[]).map((p) => `${String(p['containerPort'])}/${String(p['protocol'])}`),
    ).toEqual(['80/tcp', '80/udp', '443/tcp']);
  });

  test('containers are sorted by name', () => {
    const out = asStored({
      family: 'w',
      containerDefinitions: [
        { name: 'web', image: 'x' },
        { name: 'envoy', image: 'y' },
      ],
    });
    expect(containers(out).map((c) => c['name'])).toEqual(['envoy', 'web']);
  });

  test.each<[string, Json]>([
    ['command', { command: ['serve', '--port', '80'] }],
    ['entryPoint', { entryPoint: ['sh', '-c'] }],
    [
      'environmentFiles (a later file overrides an earlier one)',
      {
        environmentFiles: [
          { type: 's3', value: 'arn:aws:s3:::b/base.env' },
          { type: 's3', value: 'arn:aws:s3:::b/prod.env' },
        ],
      },
    ],
    ['dnsServers', { dnsServers: ['10.0.0.2', '1.1.1.1'] }],
    ['links', { links: ['db', 'cache'] }],
    ['volumesFrom', { volumesFrom: [{ sourceContainer: 'b' }, { sourceContainer: 'a' }] }],
  ])('%s keeps its order: another order is another definition', (_name, container) => {
    const [key, list] = Object.entries(container)[0]!;
    const reversed = { [key]: [...(list as unknown[])].reverse() };
    expect(containers(asStored(task(container)))[0]![key]).toEqual(list);
    expect(asStored(task(reversed))).not.toEqual(asStored(task(container)));
  });
});

describe('storedText', () => {
  const def = {
    memory: '0.5 GB',
    containerDefinitions: [{ portMappings: [{ containerPort: 80 }], image: 'nginx:1.27', name: 'web' }],
    networkMode: 'awsvpc',
    family: 'web',
    cpu: '256',
  };
  test('family, then the containers (name and image first), then the other keys sorted; two spaces; a final newline', () => {
    expect(storedText(def)).toBe(
      `${[
        '{',
        '  "family": "web",',
        '  "containerDefinitions": [',
        '    {',
        '      "name": "web",',
        '      "image": "nginx:1.27",',
        '      "cpu": 0,',
        '      "environment": [],',
        '      "essential": true,',
        '      "mountPoints": [],',
        '      "portMappings": [',
        '        {',
        '          "containerPort": 80,',
        '          "hostPort": 80,',
        '          "protocol": "tcp"',
        '        }',
        '      ],',
        '      "systemControls": [],',
        '      "volumesFrom": []',
        '    }',
        '  ],',
        '  "cpu": "256",',
        '  "memory": "512",',
        '  "networkMode": "awsvpc",',
        '  "placementConstraints": [],',
        '  "volumes": []',
        '}',
      ].join('\n')}\n`,
    );
  });
  test('the same definition in another key order renders the same text; nested keys are sorted', () => {
    const reordered = {
      family: 'web',
      cpu: '0.25 vCPU',
      networkMode: 'awsvpc',
      containerDefinitions: [
        {
          name: 'web',
          image: 'nginx:1.27',
          logConfiguration: { options: { b: '2', a: '1' }, logDriver: 'awslogs' },
        },
      ],
      memory: '512',
    };
    const text = storedText(reordered);
    expect(text).toContain(
      '"logDriver": "awslogs",\n        "options": {\n          "a": "1",\n          "b": "2"',
    );
    // The definition of the first test, its keys in another order and its sizes in other units.
    expect(
      storedText({
        cpu: '0.25 vCPU',
        family: 'web',
        networkMode: 'awsvpc',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'nginx:1.27', portMappings: [{ containerPort: 80 }] }],
      }),
    ).toBe(storedText(def));
  });
});
