/** Image Builder ARNs: images (versionless, version, build version), pipelines, recipes. */

export interface ImageArn {
  partition: string;
  region: string;
  /** A 12-digit account, or "aws" for Amazon-managed images. */
  owner: string;
  name: string;
  /** x.y.z, possibly with x wildcards; undefined for a name-only ARN. */
  version?: string;
  build?: number;
}

const IMAGE =
  /^arn:(aws[a-z-]*):imagebuilder:([a-z0-9-]+):(\d{12}|aws(?:-[a-z-]+)?):image\/([a-z0-9-_]+)(?:\/((?:\d+|x)\.(?:\d+|x)\.(?:\d+|x))(?:\/(\d+))?)?$/;

export function parseImageArn(arn: string): ImageArn | undefined {
  const m = IMAGE.exec(arn);
  if (!m) return undefined;
  const out: ImageArn = { partition: m[1]!, region: m[2]!, owner: m[3]!, name: m[4]! };
  if (m[5]) out.version = m[5];
  if (m[6]) out.build = Number(m[6]);
  return out;
}

export function imageArn(a: ImageArn): string {
  const base = `arn:${a.partition}:imagebuilder:${a.region}:${a.owner}:image/${a.name}`;
  if (!a.version) return base;
  return `${base}/${a.version}${a.build === undefined ? '' : `/${a.build}`}`;
}

/** `…/image/name/x.x.x`: always the newest version, what a recipe uses to follow its parent. */
export function versionlessArn(arn: string): string | undefined {
  const a = parseImageArn(arn);
  if (!a) return undefined;
  const { build: _build, ...rest } = a;
  return imageArn({ ...rest, version: 'x.x.x' });
}

const PIPELINE = /^arn:aws[a-z-]*:imagebuilder:([a-z0-9-]+):(\d{12}):image-pipeline\/([a-z0-9-_]+)$/;
export function parsePipelineArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = PIPELINE.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

const RECIPE =
  /^arn:aws[a-z-]*:imagebuilder:([a-z0-9-]+):(\d{12}|aws):image-recipe\/([a-z0-9-_]+)\/((?:\d+|x)\.(?:\d+|x)\.(?:\d+|x))$/;
export function parseRecipeArn(
  arn: string,
): { region: string; account: string; name: string; version: string } | undefined {
  const m = RECIPE.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]!, version: m[4]! } : undefined;
}
