/** Writes a tiny OCI image layout (one layer holding one file) for registry tests. */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A POSIX ustar archive with regular files. */
export function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write(octal(0o644, 8), 100);
    header.write(octal(0, 8), 108);
    header.write(octal(0, 8), 116);
    header.write(octal(body.length, 12), 124);
    header.write(octal(0, 12), 136);
    header.write('        ', 148); // checksum counts as spaces while summing
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface OciImage {
  dir: string;
  tag: string;
  manifestDigest: string;
}

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

type Put = (data: Buffer | string) => Promise<{ digest: string; size: number }>;

async function blobWriter(dir: string): Promise<Put> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  return async (data) => {
    const digest = sha256(data);
    await writeFile(join(blobs, digest.slice(7)), data);
    return { digest, size: Buffer.byteLength(data) };
  };
}

/** One image (a layer, its config naming the platform, the manifest) as blobs; returns the manifest's descriptor. */
async function putImage(put: Put, content: string, platform: OciPlatform) {
  const layerTar = tar({ 'hello.txt': content });
  const layer = await put(gzipSync(layerTar, { level: 9 }));
  const config = await put(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: { Cmd: ['/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
    }),
  );
  const manifestText = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  });
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...(await put(manifestText)) };
}

async function writeLayout(dir: string, tag: string, descriptor: { mediaType: string }) {
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
}

export async function writeOciImage(
  dir: string,
  tag = 'latest',
  content = 'hello from ecs-shipyard\n',
  platform: OciPlatform = { os: 'linux', architecture: 'amd64' },
): Promise<OciImage> {
  const manifest = await putImage(await blobWriter(dir), content, platform);
  await writeLayout(dir, tag, manifest);
  return { dir, tag, manifestDigest: manifest.digest };
}

/**
 * A multi-platform image: an OCI image index over one image per platform, as `docker buildx build
 * --platform a,b` pushes it (copy it with `skopeo copy --all`). `manifestDigest` is the index's.
 */
export async function writeOciIndex(
  dir: string,
  tag: string,
  platforms: readonly OciPlatform[],
): Promise<OciImage> {
  const put = await blobWriter(dir);
  const manifests = [];
  for (const platform of platforms) {
    const manifest = await putImage(put, `hello from ${platform.os}/${platform.architecture}\n`, platform);
    manifests.push({ ...manifest, platform });
  }
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const index = await put(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  await writeLayout(dir, tag, { mediaType, ...index });
  return { dir, tag, manifestDigest: index.digest };
}
