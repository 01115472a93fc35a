// deregister-previous puts revisions in order itself: an answer in another order (ASC, or shuffled by a
// proxy or a future change) must never make it deregister the newest.
import { expect, test } from '@jest/globals';
import { ECSClient, type ListTaskDefinitionsCommandOutput } from '@aws-sdk/client-ecs';
import { deregisterOlder } from '../../src/ecs/deploy.js';

const arn = (family: string, n: number) =>
  `arn:aws:ecs:us-east-1:111122223333:task-definition/${family}:${n}`;

test('the newest revisions are kept whatever order ListTaskDefinitions answers in', async () => {
  const client = new ECSClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const deregistered: string[] = [];
  // Two pages, neither in DESC order, with a family that merely shares the prefix.
  const pages: Partial<ListTaskDefinitionsCommandOutput>[] = [
    { taskDefinitionArns: [arn('web', 3), arn('web', 10), arn('web-api', 12)], nextToken: 'p2' },
    { taskDefinitionArns: [arn('web', 1), arn('web', 11), arn('web', 2)] },
  ];
  let call = 0;
  client.send = (async (command: { constructor: { name: string }; input: { taskDefinition?: string } }) => {
    if (command.constructor.name === 'ListTaskDefinitionsCommand') return pages[call++];
    deregistered.push(command.input.taskDefinition!);
    return {};
  }) as unknown as ECSClient['send'];
  const out = await deregisterOlder(client, 'web', 2, arn('web', 11));
  expect(out).toEqual([arn('web', 3), arn('web', 2), arn('web', 1)]);
  expect(deregistered).toEqual(out);
});
