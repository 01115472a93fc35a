/**
 * What a task definition refers to in the account, each with the JSON Pointer of where it is written
 * (so a finding lands on its line): images, roles, secrets and parameters, log groups, EFS volumes and
 * S3 environment files. Pure: it reads the definition and nothing else.
 */
import { parseArn } from '../aws/identifiers.js';

type Json = Record<string, unknown>;

export interface ImageUse {
  container: string;
  image: string;
  pointer: string;
  /** repositoryCredentials.credentialsParameter: the registry needs credentials verify does not use. */
  credentials?: string;
}

export interface SecretUse {
  container: string;
  /** The variable (or log option) it fills; for registry credentials, "repositoryCredentials". */
  name: string;
  valueFrom: string;
  pointer: string;
  store: 'secretsmanager' | 'ssm';
  region: string;
  /** The account an ARN names (none for a bare parameter name: the task's own). */
  account?: string;
  /** Secrets Manager: the secret's ARN or name up to the JSON key; SSM: the parameter's name. */
  id: string;
  jsonKey?: string;
  versionStage?: string;
  versionId?: string;
}

export interface LogUse {
  container: string;
  group: string;
  region: string;
  create: boolean;
  prefix?: string;
  pointer: string;
}

export interface EfsUse {
  volume: string;
  fileSystemId: string;
  accessPointId?: string;
  /** authorizationConfig.iam ENABLED: the task role mounts the file system. */
  iam: boolean;
  readOnly: boolean;
  pointer: string;
}

export interface EnvFileUse {
  container: string;
  arn: string;
  bucket: string;
  key: string;
  pointer: string;
}

export interface References {
  images: ImageUse[];
  secrets: SecretUse[];
  logs: LogUse[];
  efs: EfsUse[];
  envFiles: EnvFileUse[];
  /** Malformed references (an environment file that is not an S3 object ARN, say): pointer → message. */
  malformed: { pointer: string; message: string }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const objects = (v: unknown): Json[] =>
  Array.isArray(v)
    ? v.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x))
    : [];

/**
 * A `valueFrom`: a Secrets Manager ARN (with an optional `:json-key:version-stage:version-id` tail), an
 * SSM parameter ARN, or a parameter name (the task's region and account).
 */
export function secretReference(
  valueFrom: string,
  region: string,
): Pick<SecretUse, 'store' | 'region' | 'account' | 'id' | 'jsonKey' | 'versionStage' | 'versionId'> {
  const arn = parseArn(valueFrom);
  if (arn?.service === 'secretsmanager') {
    const parts = valueFrom.split(':');
    const [jsonKey, versionStage, versionId] = parts.slice(7).map((p) => p || undefined);
    return {
      store: 'secretsmanager',
      region: arn.region || region,
      account: arn.accountId,
      id: parts.slice(0, 7).join(':'),
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
    };
  }
  if (arn?.service === 'ssm' && arn.resource.startsWith('parameter')) {
    // parameter/name → "name"; parameter/path/name → "/path/name" (the name keeps its leading slash).
    const rest = arn.resource.slice('parameter'.length);
    const name = rest.split('/').length > 2 ? rest : rest.replace(/^\//, '');
    return { store: 'ssm', region: arn.region || region, account: arn.accountId, id: name };
  }
  return { store: 'ssm', region, id: valueFrom };
}

export function referencesOf(definition: Json, region: string): References {
  const out: References = { images: [], secrets: [], logs: [], efs: [], envFiles: [], malformed: [] };
  objects(definition['containerDefinitions']).forEach((c, i) => {
    const container = str(c['name']) ?? `#${i + 1}`;
    const at = `/containerDefinitions/${i}`;
    const credentials = str((c['repositoryCredentials'] as Json | undefined)?.['credentialsParameter']);
    const image = str(c['image']);
    if (image)
      out.images.push({ container, image, pointer: `${at}/image`, ...(credentials ? { credentials } : {}) });
    const secret = (name: string, valueFrom: unknown, pointer: string) => {
      const v = str(valueFrom);
      if (!v) return;
      const ref = secretReference(v, region);
      // Registry credentials are always a Secrets Manager secret, by ARN or by name (RepositoryCredentials).
      const store =
        name === 'repositoryCredentials' && ref.store === 'ssm' && !v.startsWith('arn:')
          ? { store: 'secretsmanager' as const, region, id: v }
          : ref;
      out.secrets.push({ container, name, valueFrom: v, pointer, ...store });
    };
    objects(c['secrets']).forEach((s, j) =>
      secret(str(s['name']) ?? `#${j + 1}`, s['valueFrom'], `${at}/secrets/${j}/valueFrom`),
    );
    const logConfiguration = (c['logConfiguration'] ?? {}) as Json;
    objects(logConfiguration['secretOptions']).forEach((s, j) =>
      secret(
        str(s['name']) ?? `#${j + 1}`,
        s['valueFrom'],
        `${at}/logConfiguration/secretOptions/${j}/valueFrom`,
      ),
    );
    if (credentials)
      secret('repositoryCredentials', credentials, `${at}/repositoryCredentials/credentialsParameter`);
    const options = (logConfiguration['options'] ?? {}) as Json;
    const group = str(options['awslogs-group']);
    if (logConfiguration['logDriver'] === 'awslogs' && group) {
      const prefix = str(options['awslogs-stream-prefix']);
      out.logs.push({
        container,
        group,
        region: str(options['awslogs-region']) ?? region,
        create: String(options['awslogs-create-group']).toLowerCase() === 'true',
        ...(prefix ? { prefix } : {}),
        pointer: `${at}/logConfiguration/options/awslogs-group`,
      });
    }
    objects(c['environmentFiles']).forEach((f, j) => {
      const pointer = `${at}/environmentFiles/${j}/value`;
      const value = str(f['value']) ?? '';
      const m = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/.exec(value);
      if (m) out.envFiles.push({ container, arn: value, bucket: m[1]!, key: m[2]!, pointer });
      else
        out.malformed.push({
          pointer,
          message: `environment file ${JSON.stringify(value)} of container ${container} is not an S3 object ARN (arn:aws:s3:::bucket/key)`,
        });
    });
  });
  objects(definition['volumes']).forEach((v, i) => {
    const config = v['efsVolumeConfiguration'] as Json | undefined;
    const fileSystemId = str(config?.['fileSystemId']);
    if (!config || !fileSystemId) return;
    const auth = (config['authorizationConfig'] ?? {}) as Json;
    const accessPointId = str(auth['accessPointId']);
    out.efs.push({
      volume: str(v['name']) ?? `#${i + 1}`,
      fileSystemId,
      ...(accessPointId ? { accessPointId } : {}),
      iam: auth['iam'] === 'ENABLED',
      readOnly: objects(definition['containerDefinitions']).every((c) =>
        objects(c['mountPoints'])
          .filter((m) => m['sourceVolume'] === v['name'])
          .every((m) => m['readOnly'] === true),
      ),
      pointer: `/volumes/${i}/efsVolumeConfiguration/fileSystemId`,
    });
  });
  return out;
}
