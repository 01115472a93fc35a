/** The newest ECS-optimized image from the public SSM parameters AWS publishes for Linux, Windows and Bottlerocket. */
import { GetParameterCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { UserError } from '../errors.js';
import type { CatalogEntry } from './catalog.js';
import { amiFrom, type ResolvedImage } from './resolved.js';

async function parameter(client: Pick<SSMClient, 'send'>, name: string, region: string): Promise<string> {
  try {
    const out = await client.send(new GetParameterCommand({ Name: name }));
    return out.Parameter?.Value ?? '';
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') {
      throw new UserError(
        `The public SSM parameter ${name} does not exist in ${region}: this image is not published there.`,
      );
    }
    throw error;
  }
}

function parseDocument(text: string, name: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Error(`The SSM parameter ${name} does not hold the JSON document AWS publishes there.`);
}

export async function resolveFromSsm(
  client: Pick<SSMClient, 'send'>,
  entry: CatalogEntry,
  region: string,
): Promise<ResolvedImage> {
  const { ssm } = entry;
  if (ssm.kind === 'bottlerocket') {
    const names = [`${ssm.path}/image_id`, `${ssm.path}/image_version`];
    const out = await client.send(new GetParametersCommand({ Names: names }));
    const value = (n: string) => out.Parameters?.find((p) => p.Name === n)?.Value;
    const rawAmi = value(names[0]!);
    const version = value(names[1]!);
    if (!rawAmi || !version) {
      throw new UserError(
        `The public SSM parameters ${(out.InvalidParameters ?? names).join(', ')} do not exist in ${region}: this image is not published there.`,
      );
    }
    const amiId = amiFrom(rawAmi, `The SSM parameter ${names[0]}`);
    return {
      source: 'ssm',
      amiId,
      imageName: `bottlerocket-${entry.variant}-${entry.architecture}-v${version}`,
      version,
      parameter: names[0]!,
      parentImage: amiId,
    };
  }
  const doc = parseDocument(await parameter(client, ssm.path, region), ssm.path);
  const amiId = amiFrom(doc['image_id'], `The SSM parameter ${ssm.path} (its image_id)`);
  const imageName = String(doc['image_name'] ?? '');
  // Windows documents carry no image_version: the date at the end of the image name is its version.
  const version = String(doc['image_version'] ?? /(\d{4}\.\d{2}\.\d{2})$/.exec(imageName)?.[1] ?? '');
  const resolved: ResolvedImage = {
    source: 'ssm',
    amiId,
    imageName,
    version,
    parameter: ssm.path,
    // The AMI itself, not the ssm: parameter, so that a recipe on it changes exactly when the AMI does.
    parentImage: amiId,
  };
  if (doc['ecs_agent_version']) resolved.ecsAgentVersion = String(doc['ecs_agent_version']);
  return resolved;
}
