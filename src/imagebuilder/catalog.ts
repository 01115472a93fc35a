/**
 * What exists: every Amazon ECS-optimized image ecs-shipyard can resolve, by operating system,
 * architecture and variant, with where to find it — an Amazon-managed Image Builder image and/or the
 * public SSM parameter. The docs' support matrix is generated from this table.
 */
export const OPERATING_SYSTEMS = [
  'amazon-linux-2023',
  'amazon-linux-2',
  'amazon-linux-2-kernel-5.10',
  'windows-server-2016-full',
  'windows-server-2019-full',
  'windows-server-2019-core',
  'windows-server-2022-full',
  'windows-server-2022-core',
  'windows-server-2025-full',
  'windows-server-2025-core',
  'bottlerocket',
] as const;
export type OperatingSystem = (typeof OPERATING_SYSTEMS)[number];

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const VARIANTS = [
  'standard',
  'gpu',
  'neuron',
  'nvidia',
  'aws-ecs-1',
  'aws-ecs-2',
  'aws-ecs-1-nvidia',
  'aws-ecs-2-nvidia',
] as const;
export type Variant = (typeof VARIANTS)[number];

export type ImageBuilderSource =
  /** The ARN name is documented (lower-case display name, hyphens). */
  | { kind: 'named'; name: string }
  /** Not documented (Windows): found among Amazon's images by display name. */
  | { kind: 'discover'; platform: 'Windows'; pattern: RegExp; describe: string };

export type SsmSource =
  /** /aws/service/ecs/optimized-ami/…/recommended: a JSON document with image_id, image_name, ecs_agent_version … */
  | { kind: 'ecs-recommended'; path: string }
  /** /aws/service/ami-windows-latest/…-ECS_Optimized: a JSON document with image_id, image_name … */
  | { kind: 'windows'; path: string }
  /** /aws/service/bottlerocket/<variant>/<arch>/latest: image_id and image_version parameters. */
  | { kind: 'bottlerocket'; path: string };

export interface CatalogEntry {
  os: OperatingSystem;
  architecture: Architecture;
  variant: Variant;
  imageBuilder?: ImageBuilderSource;
  ssm: SsmSource;
}

const ECS_SSM = '/aws/service/ecs/optimized-ami';

const linux = (
  os: OperatingSystem,
  architecture: Architecture,
  variant: Variant,
  ssmPrefix: string,
  imageBuilderName?: string,
): CatalogEntry => ({
  os,
  architecture,
  variant,
  ...(imageBuilderName ? { imageBuilder: { kind: 'named' as const, name: imageBuilderName } } : {}),
  ssm: { kind: 'ecs-recommended', path: `${ECS_SSM}/${ssmPrefix}/recommended` },
});

const windows = (year: string, edition: 'Full' | 'Core'): CatalogEntry => ({
  os: `windows-server-${year}-${edition.toLowerCase()}` as OperatingSystem,
  architecture: 'x86_64',
  variant: 'standard',
  imageBuilder: {
    kind: 'discover',
    platform: 'Windows',
    pattern: new RegExp(`^Windows Server ${year} English ${edition} ECS[ -_]?Optimized`, 'i'),
    describe: `Windows Server ${year} English ${edition} ECS Optimized`,
  },
  ssm: {
    kind: 'windows',
    path: `/aws/service/ami-windows-latest/Windows_Server-${year}-English-${edition}-ECS_Optimized`,
  },
});

const bottlerocket = (architecture: Architecture, variant: Variant): CatalogEntry => ({
  os: 'bottlerocket',
  architecture,
  variant,
  ssm: { kind: 'bottlerocket', path: `/aws/service/bottlerocket/${variant}/${architecture}/latest` },
});

export const CATALOG: readonly CatalogEntry[] = [
  linux(
    'amazon-linux-2023',
    'x86_64',
    'standard',
    'amazon-linux-2023',
    'amazon-linux-2023-ecs-optimized-x86',
  ),
  linux(
    'amazon-linux-2023',
    'arm64',
    'standard',
    'amazon-linux-2023/arm64',
    'amazon-linux-2023-ecs-optimized-arm64',
  ),
  linux('amazon-linux-2023', 'x86_64', 'gpu', 'amazon-linux-2023/gpu'),
  linux('amazon-linux-2023', 'x86_64', 'neuron', 'amazon-linux-2023/neuron'),
  linux('amazon-linux-2', 'x86_64', 'standard', 'amazon-linux-2', 'amazon-linux-2-ecs-optimized-x86'),
  linux('amazon-linux-2', 'arm64', 'standard', 'amazon-linux-2/arm64'),
  linux('amazon-linux-2', 'x86_64', 'gpu', 'amazon-linux-2/gpu'),
  linux('amazon-linux-2', 'x86_64', 'neuron', 'amazon-linux-2/inf'),
  linux(
    'amazon-linux-2-kernel-5.10',
    'x86_64',
    'standard',
    'amazon-linux-2/kernel-5.10',
    'amazon-linux-2-ecs-optimized-kernel-5-x86',
  ),
  linux('amazon-linux-2-kernel-5.10', 'arm64', 'standard', 'amazon-linux-2/kernel-5.10/arm64'),
  linux('amazon-linux-2-kernel-5.10', 'x86_64', 'gpu', 'amazon-linux-2/kernel-5.10/gpu'),
  linux('amazon-linux-2-kernel-5.10', 'x86_64', 'neuron', 'amazon-linux-2/kernel-5.10/inf'),
  windows('2016', 'Full'),
  windows('2019', 'Full'),
  windows('2019', 'Core'),
  windows('2022', 'Full'),
  windows('2022', 'Core'),
  windows('2025', 'Full'),
  windows('2025', 'Core'),
  ...ARCHITECTURES.flatMap((a) =>
    (['aws-ecs-1', 'aws-ecs-2', 'aws-ecs-1-nvidia', 'aws-ecs-2-nvidia'] as const).map((v) =>
      bottlerocket(a, v),
    ),
  ),
];

/** Bottlerocket's own variant names; `standard` and `nvidia` are shorthands for the aws-ecs-2 ones. */
function normalizeVariant(os: OperatingSystem, variant: Variant): Variant {
  if (os !== 'bottlerocket') return variant;
  if (variant === 'standard') return 'aws-ecs-2';
  if (variant === 'nvidia') return 'aws-ecs-2-nvidia';
  return variant;
}

export type Source = 'image-builder' | 'ssm';

/** The entry for a selection, or a sentence saying what exists instead. */
export function lookup(
  os: OperatingSystem,
  architecture: Architecture,
  variant: Variant,
): CatalogEntry | { problem: string } {
  const v = normalizeVariant(os, variant);
  const hit = CATALOG.find((e) => e.os === os && e.architecture === architecture && e.variant === v);
  if (hit) return hit;
  const forOs = CATALOG.filter((e) => e.os === os);
  const combos = forOs.map((e) => `${e.architecture}/${e.variant}`).join(', ');
  return {
    problem: `there is no ECS-optimized ${os} image for architecture ${architecture} and variant ${variant}. For ${os} these exist (architecture/variant): ${combos}`,
  };
}

/** Which source `auto` means for an entry: the managed Image Builder image where there is one. */
export function chooseSource(entry: CatalogEntry, wanted: Source | 'auto'): Source | { problem: string } {
  if (wanted === 'ssm') return 'ssm';
  if (entry.imageBuilder) return 'image-builder';
  if (wanted === 'auto') return 'ssm';
  const why =
    entry.os === 'bottlerocket'
      ? 'Bottlerocket is not offered as an Image Builder parent image (its build workflow cannot run there)'
      : `Amazon publishes no managed Image Builder image for ${entry.os} ${entry.architecture} ${entry.variant}`;
  return { problem: `${why}; use source: ssm (or auto), which reads ${entry.ssm.path}` };
}

/** The support matrix for the docs: one row per entry. */
export function supportMatrix(): string {
  const rows = CATALOG.map((e) => {
    const ib = !e.imageBuilder
      ? '—'
      : e.imageBuilder.kind === 'named'
        ? `\`${e.imageBuilder.name}\``
        : `found by name: ${e.imageBuilder.describe}`;
    return `| \`${e.os}\` | \`${e.architecture}\` | \`${e.variant}\` | ${ib} | \`${e.ssm.path}\` |`;
  });
  return [
    '| os | architecture | variant | image-builder | ssm |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
