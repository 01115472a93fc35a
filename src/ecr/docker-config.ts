/**
 * The Docker config file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json): the place Docker,
 * podman, buildah, skopeo, crane and kaniko all read registry credentials from. Entries are merged into
 * what is there, the file is written atomically with mode 0600, and removal takes away only an entry
 * that still holds exactly what this step wrote (matched by a fingerprint, never by keeping the secret).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorMessage, UserError } from '../errors.js';
import { JsonSyntaxError, parseJson } from '../json/parse.js';

export function dockerConfigPath(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env['DOCKER_CONFIG']?.trim();
  return join(dir ? dir : join(env['HOME']?.trim() || homedir(), '.docker'), 'config.json');
}

export interface AuthEntry {
  registry: string;
  username: string;
  password: string;
}

export interface WrittenEntry {
  registry: string;
  /** sha256 of the written auth value, first 32 hex digits: enough to recognise it, useless to an attacker. */
  fingerprint: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; [k: string]: unknown }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

export function fingerprint(auth: string): string {
  return createHash('sha256').update(auth).digest('hex').slice(0, 32);
}

async function load(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`Cannot read the Docker config file ${path}: ${errorMessage(error)}`);
  }
  if (text.trim() === '') return {};
  try {
    const value = parseJson(text).value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UserError(`The Docker config file ${path} does not hold a JSON object; fix or remove it.`);
    }
    return value as DockerConfig;
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new UserError(
        `The Docker config file ${path} is not valid JSON (${error.message}); fix or remove it.`,
      );
    }
    throw error;
  }
}

async function save(path: string, config: DockerConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export interface AddResult {
  written: WrittenEntry[];
  /** Things the user should know: a credential helper that will shadow these entries. */
  warnings: string[];
}

export async function addAuths(path: string, entries: readonly AuthEntry[]): Promise<AddResult> {
  const config = await load(path);
  const auths = { ...(config.auths ?? {}) };
  const written: WrittenEntry[] = [];
  const warnings: string[] = [];
  for (const entry of entries) {
    const auth = Buffer.from(`${entry.username}:${entry.password}`).toString('base64');
    auths[entry.registry] = { auth };
    written.push({ registry: entry.registry, fingerprint: fingerprint(auth) });
    const helper = config.credHelpers?.[entry.registry] ?? config.credsStore;
    if (helper) {
      warnings.push(
        `${path} names the credential helper '${helper}' for ${entry.registry}; Docker asks that helper instead of the entry written here. Use login-mode: docker to log in through the helper.`,
      );
    }
  }
  await save(path, { ...config, auths });
  return { written, warnings: [...new Set(warnings)] };
}

/** Removes the entries this step wrote, if they are unchanged; returns the registries removed. */
export async function removeAuths(path: string, entries: readonly WrittenEntry[]): Promise<string[]> {
  const config = await load(path);
  const auths = { ...(config.auths ?? {}) };
  const removed: string[] = [];
  for (const entry of entries) {
    const current = auths[entry.registry]?.auth;
    if (current !== undefined && fingerprint(current) === entry.fingerprint) {
      delete auths[entry.registry];
      removed.push(entry.registry);
    }
  }
  if (removed.length > 0) await save(path, { ...config, auths });
  return removed;
}
