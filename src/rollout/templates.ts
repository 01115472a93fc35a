/**
 * Launch templates: a new version from the version a group launches with, with only the ImageId
 * changed (EC2 copies everything else from SourceVersion), optionally made the default. A version that
 * already launches the AMI is kept. The client token is derived from every parameter sent — template,
 * source version, AMI and the description (which names the run) — so a retried call or a re-run of the
 * same run gets the version already made, and the same token never goes out with other parameters
 * (EC2 answers that with IdempotentParameterMismatch, as long as it remembers the token).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  CreateLaunchTemplateVersionCommand,
  DescribeImagesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';

type Ec2 = Pick<EC2Client, 'send'>;

export interface TemplateMove {
  id: string;
  name: string;
  /** The version the group resolved to before, and its AMI. */
  previousVersion: number;
  previousImage: string;
  /** The version that launches the new AMI (new, or the existing one when it already did). */
  version: number;
  created: boolean;
  madeDefault: boolean;
}

/** Fails, before anything changes, when the AMI is not there for this region's instances to launch. */
export async function checkImage(ec2: Ec2, ami: string, region: string): Promise<string> {
  const notHere = () =>
    new UserError(
      `The AMI ${ami} is not available in ${region}, where the groups launch: AMIs are regional. Give the AMI for ${region} (image-pipeline's 'amis' output lists one per region when the distribution configuration copies it there), or add ${region} to the image's distribution.`,
    );
  const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [ami] })).catch((error: unknown) => {
    const name = (error as { name?: string }).name ?? '';
    throw name === 'InvalidAMIID.NotFound' || name === 'InvalidAMIID.Unavailable' ? notHere() : error;
  });
  const image = out.Images?.[0];
  if (!image) throw notHere();
  if (image.State && image.State !== 'available') {
    throw new UserError(
      `The AMI ${ami} in ${region} is ${image.State}, not available: instances cannot launch from it yet.`,
    );
  }
  return image.Name ?? ami;
}

export function templateToken(id: string, sourceVersion: number, ami: string, description: string): string {
  const digest = createHash('sha256').update(`${id}\n${sourceVersion}\n${ami}\n${description}`).digest('hex');
  return `shipyard-${digest.slice(0, 40)}`;
}

const isTokenMismatch = (error: unknown) =>
  /^IdempotentParameterMismatch(Exception)?$/.test((error as { name?: string }).name ?? '');

/** The version a group's reference ($Default, $Latest, a number) resolves to, read before anything changes. */
export interface CurrentVersion {
  id: string;
  name: string;
  versionNumber: number;
  image: string;
  isDefault: boolean;
}

export async function currentVersion(
  ec2: Ec2,
  template: { id: string; name: string; version: string },
): Promise<CurrentVersion> {
  const which = /^lt-[0-9a-f]{17}$/.test(template.id)
    ? { LaunchTemplateId: template.id }
    : { LaunchTemplateName: template.id };
  const out = await ec2.send(
    new DescribeLaunchTemplateVersionsCommand({ ...which, Versions: [template.version] }),
  );
  const current = out.LaunchTemplateVersions?.[0];
  if (!current?.VersionNumber)
    throw new Error(`DescribeLaunchTemplateVersions returned nothing for ${template.id}`);
  return {
    id: current.LaunchTemplateId ?? template.id,
    name: current.LaunchTemplateName ?? template.name,
    versionNumber: current.VersionNumber,
    image: current.LaunchTemplateData?.ImageId ?? '',
    isDefault: current.DefaultVersion === true,
  };
}

/**
 * A new version from `current` — resolved before any version was made, so that a `$Latest` group whose
 * template another group launches at a pinned number is copied from what it ran, not from that number.
 */
export async function moveTemplate(
  ec2: Ec2,
  current: CurrentVersion,
  ami: string,
  options: { makeDefault: boolean; description: string; log: Logger },
): Promise<TemplateMove> {
  const { id, name } = current;
  const previousImage = current.image;
  let version = current.versionNumber;
  let created = false;
  if (previousImage === ami) {
    options.log.info(`Launch template ${name} version ${version} already launches ${ami}.`);
  } else {
    const description = options.description.slice(0, 255);
    const create = (ClientToken: string) =>
      ec2.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: id,
          SourceVersion: String(current.versionNumber),
          LaunchTemplateData: { ImageId: ami },
          VersionDescription: description,
          ClientToken,
        }),
      );
    const token = templateToken(id, current.versionNumber, ami, description);
    const made = await create(token).catch((error: unknown) => {
      if (!isTokenMismatch(error)) throw error;
      // Another request used this token with other parameters (made by hand, or by an older release
      // that left the description out of the token). The version it made is not the one wanted here.
      options.log.info(
        `Launch template ${name}: EC2 knows the client token ${token} from a request with other parameters (IdempotentParameterMismatch); making the version with a new token.`,
      );
      return create(`${token.slice(0, 49)}-${randomUUID()}`);
    });
    const v = made.LaunchTemplateVersion?.VersionNumber;
    if (!v) throw new Error(`CreateLaunchTemplateVersion returned no version for ${id}`);
    for (const w of made.Warning?.Errors ?? [])
      options.log.warning(`EC2 warned about launch template ${name} version ${v}: ${w.Code}: ${w.Message}`);
    version = v;
    created = true;
    options.log.info(
      `Launch template ${name}: version ${v} from version ${current.versionNumber}, ImageId ${previousImage} → ${ami}.`,
    );
  }
  let madeDefault = false;
  if (options.makeDefault && !(current.isDefault && !created)) {
    await ec2.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: String(version) }),
    );
    madeDefault = true;
    options.log.info(`Launch template ${name}: version ${version} is now the default.`);
  }
  return {
    id,
    name,
    previousVersion: current.versionNumber,
    previousImage,
    version,
    created,
    madeDefault,
  };
}

export function explainMissingTemplate(error: unknown, id: string, region: string): never {
  const name = (error as { name?: string }).name ?? '';
  if (/^InvalidLaunchTemplate(Id|Name)\.(NotFound|NotFoundException|VersionNotFound)$/.test(name)) {
    throw new UserError(
      `The launch template ${id} (or the version its group launches) does not exist in ${region}: ${(error as Error).message}`,
    );
  }
  throw error;
}
