/**
 * EC2 Image Builder (restJson1) as far as ecs-shipyard calls it: Amazon-managed images with date
 * versions in every region, recipes (immutable versions), pipelines, and builds that walk through
 * their states on the simulator's clock — to AVAILABLE, to FAILED with a reason, or never (HANG).
 * Shapes follow the 2019-12-02 model.
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../errors.js';
import { DEFAULT_ACCOUNT, type BuildTimeline, type ManagedImageSeed } from '../scenario.js';
import type { RequestContext, RestJsonService, RestRoute, Simulator } from '../server.js';
import { any, bool, int, list, str, struct, type Shape } from '../shapes.js';

const P = {
  image:
    '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/(?:(?:([0-9]+|x)\\.([0-9]+|x)\\.([0-9]+|x))|(?:[0-9]+\\.[0-9]+\\.[0-9]+/[0-9]+))$',
  imageVersion:
    '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/[0-9]+\\.[0-9]+\\.[0-9]+$',
  imageBuild:
    '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?):image/[a-z0-9-_]+/[0-9]+\\.[0-9]+\\.[0-9]+/[0-9]+$',
  pipeline: '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws):image-pipeline/[a-z0-9-_]+$',
  recipe:
    '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws):image-recipe/[a-z0-9-_]+/(?:[0-9]+|x)\\.(?:[0-9]+|x)\\.(?:[0-9]+|x)$',
  infra: '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws):infrastructure-configuration/[a-z0-9-_]+$',
  distribution: '^arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws):distribution-configuration/[a-z0-9-_]+$',
  recipeName: '^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$',
  semver: '^(?:[0-9]+|x)\\.(?:[0-9]+|x)\\.(?:[0-9]+|x)$',
};
const FILTERS = list(
  struct({ name: str({ pattern: '^[a-zA-Z]{1,1024}$' }), values: list(str(), { min: 1, max: 10 }) }),
  {
    min: 1,
    max: 10,
  },
);
const TOKEN = str({ min: 1, max: 64 });
const PAGE = { maxResults: int({ min: 1, max: 25 }), nextToken: str({ min: 1, max: 65535 }) };

/** The managed ECS-optimized images AWS publishes (names as in the ECS docs and AWS's own examples). */
export const DEFAULT_MANAGED_IMAGES: ManagedImageSeed[] = [
  {
    name: 'Amazon Linux 2023 ECS Optimized x86',
    platform: 'Linux',
    osVersion: 'Amazon Linux 2023',
    versions: ['2025.9.2', '2025.10.3', '2025.11.4'],
  },
  {
    name: 'Amazon Linux 2023 ECS Optimized ARM64',
    platform: 'Linux',
    osVersion: 'Amazon Linux 2023',
    versions: ['2025.9.2', '2025.11.4'],
  },
  {
    name: 'Amazon Linux 2 ECS Optimized x86',
    platform: 'Linux',
    osVersion: 'Amazon Linux 2',
    versions: ['2025.9.2', '2025.10.28'],
  },
  {
    name: 'Amazon Linux 2 ECS Optimized Kernel 5 x86',
    platform: 'Linux',
    osVersion: 'Amazon Linux 2',
    versions: ['2025.1.29', '2025.10.28'],
  },
  {
    name: 'Amazon Linux 2023 x86',
    platform: 'Linux',
    osVersion: 'Amazon Linux 2023',
    versions: ['2025.11.4'],
  },
  {
    name: 'Windows Server 2016 English Full ECS Optimized x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2016',
    versions: ['2025.10.15'],
  },
  {
    name: 'Windows Server 2019 English Full ECS Optimized x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2019',
    versions: ['2025.9.10', '2025.10.15'],
  },
  {
    name: 'Windows Server 2019 English Core ECS Optimized x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2019',
    versions: ['2025.10.15'],
  },
  {
    name: 'Windows Server 2022 English Full ECS Optimized x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2022',
    versions: ['2025.10.15'],
  },
  {
    name: 'Windows Server 2022 English Core ECS Optimized x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2022',
    versions: ['2025.10.15'],
  },
  {
    name: 'Windows Server 2022 English Full Base x86',
    platform: 'Windows',
    osVersion: 'Microsoft Windows Server 2022',
    versions: ['2025.10.15'],
  },
];

/** ARN names are display names lower-cased, with spaces and underscores as hyphens. */
export const arnName = (display: string) => display.toLowerCase().replace(/[ _]+/g, '-');

export function managedAmiId(name: string, version: string, region: string): string {
  return `ami-${createHash('sha256')
    .update(`${arnName(name)}/${version}@${region}`)
    .digest('hex')
    .slice(0, 17)}`;
}

const cmpVersion = (a: string, b: string) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
};

interface Recipe {
  arn: string;
  name: string;
  version: string;
  region: string;
  account: string;
  parentImage: string;
  components: unknown[];
  rest: Record<string, unknown>;
  dateCreated: number;
}

interface Pipeline {
  arn: string;
  name: string;
  region: string;
  account: string;
  fields: Record<string, unknown>;
  distributionRegions: string[];
  build: BuildTimeline;
  dateCreated: number;
  dateUpdated: number;
}

export interface Build {
  arn: string;
  name: string;
  version: string;
  buildNumber: number;
  region: string;
  account: string;
  pipelineArn: string;
  recipeArn: string;
  started: number;
  timeline: BuildTimeline;
  distributionRegions: string[];
  cancelledAt?: number;
}

export interface ImageBuilderState {
  recipes: Recipe[];
  pipelines: Pipeline[];
  builds: Build[];
  tokens: Map<string, { fingerprint: string; result: unknown }>;
}

const DEFAULT_PHASES: [string, number][] = [
  ['PENDING', 300],
  ['CREATING', 300],
  ['BUILDING', 600],
  ['TESTING', 400],
  ['DISTRIBUTING', 400],
  ['INTEGRATING', 200],
];

export function imageBuilderState(sim: Simulator): ImageBuilderState {
  let state = sim.state.get('imagebuilder') as ImageBuilderState | undefined;
  if (state) return state;
  const scenario = sim.scenario.imagebuilder ?? {};
  const account = sim.scenario.account ?? DEFAULT_ACCOUNT;
  const now = sim.now();
  const recipes: Recipe[] = (scenario.recipes ?? []).map((r) => {
    const region = r.region ?? 'us-east-1';
    return {
      arn: `arn:aws:imagebuilder:${region}:${account}:image-recipe/${arnName(r.name)}/${r.version}`,
      name: r.name,
      version: r.version,
      region,
      account,
      parentImage: r.parentImage,
      components: r.components ?? [
        { componentArn: `arn:aws:imagebuilder:${region}:aws:component/update-linux/x.x.x` },
      ],
      rest: {
        description: r.description ?? 'ECS container instances',
        blockDeviceMappings: [
          { deviceName: '/dev/xvda', ebs: { volumeSize: 30, volumeType: 'gp3', encrypted: true } },
        ],
        workingDirectory: '/tmp',
        tags: { team: 'platform' },
      },
      dateCreated: now - 30 * 86_400_000,
    };
  });
  const pipelines: Pipeline[] = (scenario.pipelines ?? []).map((p) => {
    const region = p.region ?? 'us-east-1';
    const [recipeName, recipeVersion] = p.recipe.split('/');
    return {
      arn: `arn:aws:imagebuilder:${region}:${account}:image-pipeline/${arnName(p.name)}`,
      name: p.name,
      region,
      account,
      fields: {
        description: `Builds ${p.name}`,
        imageRecipeArn: `arn:aws:imagebuilder:${region}:${account}:image-recipe/${arnName(recipeName!)}/${recipeVersion}`,
        infrastructureConfigurationArn: `arn:aws:imagebuilder:${region}:${account}:infrastructure-configuration/${arnName(p.name)}`,
        distributionConfigurationArn: `arn:aws:imagebuilder:${region}:${account}:distribution-configuration/${arnName(p.name)}`,
        imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: 720 },
        enhancedImageMetadataEnabled: true,
        schedule: p.schedule ?? {
          scheduleExpression: 'cron(0 3 ? * MON *)',
          pipelineExecutionStartCondition: 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE',
        },
        status: p.status ?? 'ENABLED',
        imageScanningConfiguration: { imageScanningEnabled: false },
        imageTags: { team: 'platform' },
      },
      distributionRegions: p.distributionRegions ?? [region],
      build: p.build ?? {},
      dateCreated: now - 30 * 86_400_000,
      dateUpdated: now - 30 * 86_400_000,
    };
  });
  state = { recipes, pipelines, builds: [], tokens: new Map() };
  sim.state.set('imagebuilder', state);
  return state;
}

/** A build's state at `now`, from its timeline. */
export function buildStatus(build: Build, now: number): { status: string; reason?: string } {
  if (build.cancelledAt !== undefined && now >= build.cancelledAt) {
    return { status: 'CANCELLED', reason: 'Image creation was cancelled by a CancelImageCreation request.' };
  }
  const phases = build.timeline.phases ?? DEFAULT_PHASES;
  let t = build.started;
  for (const [status, ms] of phases) {
    if (now < t + ms) return { status };
    t += ms;
  }
  const outcome = build.timeline.outcome ?? 'AVAILABLE';
  if (outcome === 'HANG') return { status: phases[phases.length - 1]?.[0] ?? 'BUILDING' };
  if (outcome === 'AVAILABLE') return { status: 'AVAILABLE' };
  return { status: 'FAILED', reason: outcome.failed };
}

function managedImages(sim: Simulator): ManagedImageSeed[] {
  return sim.scenario.imagebuilder?.managedImages ?? DEFAULT_MANAGED_IMAGES;
}

function notFound(what: string): AwsError {
  return new AwsError('ResourceNotFoundException', `The resource ${what} was not found.`, 404);
}

function invalid(message: string): AwsError {
  return new AwsError('InvalidRequestException', message, 400);
}

/** Same token and same parameters: the first answer again; same token, other parameters: mismatch. */
function idempotent(
  ctx: RequestContext,
  op: string,
  input: Record<string, unknown>,
  make: () => unknown,
): unknown {
  const state = imageBuilderState(ctx.sim);
  const { clientToken, ...rest } = input;
  const key = `${ctx.region}/${op}/${String(clientToken)}`;
  const fingerprint = JSON.stringify(rest);
  const seen = state.tokens.get(key);
  if (seen) {
    if (seen.fingerprint !== fingerprint) {
      throw new AwsError(
        'IdempotentParameterMismatchException',
        'You have specified a client token for an operation using parameter values that differ from a previous request that used the same client token.',
      );
    }
    return seen.result;
  }
  const result = make();
  state.tokens.set(key, { fingerprint, result });
  return result;
}

function page<T>(items: T[], input: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const offset = input['nextToken']
    ? Number(Buffer.from(String(input['nextToken']), 'base64').toString())
    : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new AwsError('InvalidPaginationTokenException', 'The provided pagination token is not valid.');
  }
  const max = (input['maxResults'] as number | undefined) ?? 25;
  return {
    items: items.slice(offset, offset + max),
    ...(offset + max < items.length
      ? { nextToken: Buffer.from(String(offset + max)).toString('base64') }
      : {}),
  };
}

const ALLOWED_FILTERS = ['name', 'osVersion', 'platform', 'type', 'version'];

function applyFilters<T extends Record<string, unknown>>(
  rows: T[],
  filters: unknown,
  allowed = ALLOWED_FILTERS,
): T[] {
  let out = rows;
  for (const f of (filters as { name: string; values: string[] }[] | undefined) ?? []) {
    if (!allowed.includes(f.name)) {
      throw invalid(
        `The value supplied for parameter 'filters' is not valid. Filter '${f.name}' is not supported; supported filters are ${allowed.join(', ')}.`,
      );
    }
    out = out.filter((r) => f.values.includes(String(r[f.name])));
  }
  return out;
}

function imageVersionRow(region: string, m: ManagedImageSeed, version: string) {
  return {
    arn: `arn:aws:imagebuilder:${region}:aws:image/${arnName(m.name)}/${version}`,
    name: m.name,
    type: 'AMI',
    version,
    platform: m.platform,
    osVersion: m.osVersion,
    owner: 'Amazon',
    dateCreated: `${version.replace(/^(\d+)\.(\d+)\.(\d+)$/, (_, y, mo, d) => `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`)}T00:00:00.000Z`,
    buildType: 'SCHEDULED',
    imageSource: 'AMAZON_MANAGED',
  };
}

function buildImage(sim: Simulator, b: Build) {
  const now = sim.now();
  const state = buildStatus(b, now);
  const recipe = imageBuilderState(sim).recipes.find((r) => r.arn === b.recipeArn);
  return {
    arn: b.arn,
    type: 'AMI',
    name: b.name,
    version: b.version,
    platform: 'Linux',
    osVersion: 'Amazon Linux 2023',
    state,
    imageRecipe: recipe
      ? { arn: recipe.arn, name: recipe.name, version: recipe.version, parentImage: recipe.parentImage }
      : undefined,
    sourcePipelineArn: b.pipelineArn,
    sourcePipelineName: b.name,
    dateCreated: new Date(b.started).toISOString(),
    buildType: 'USER_INITIATED',
    imageSource: 'CUSTOM',
    outputResources:
      state.status === 'AVAILABLE'
        ? {
            amis: b.distributionRegions.map((region) => ({
              region,
              image: `ami-${createHash('sha256').update(`${b.arn}@${region}`).digest('hex').slice(0, 17)}`,
              name: `${b.name} ${b.version}/${b.buildNumber}`,
              accountId: b.account,
              state: { status: 'AVAILABLE' },
            })),
          }
        : {},
    loggingConfiguration: { logGroupName: `/aws/imagebuilder/${b.name}` },
  };
}

/** Resolves `x` nodes to the newest matching version. */
function pickVersion(versions: string[], wanted: string): string | undefined {
  const [a, b, c] = wanted.split('.');
  const ok = versions.filter((v) => {
    const [x, y, z] = v.split('.');
    return (a === 'x' || a === x) && (b === 'x' || b === y) && (c === 'x' || c === z);
  });
  return ok.sort(cmpVersion).at(-1);
}

const routes: RestRoute[] = [
  {
    method: 'POST',
    path: '/ListImages',
    operation: 'ListImages',
    input: struct({
      owner: str({ enum: ['Self', 'Shared', 'Amazon', 'ThirdParty', 'AWSMarketplace'] }),
      filters: FILTERS,
      byName: bool,
      includeDeprecated: bool,
      ...PAGE,
    }),
    handler(input, ctx) {
      const filters = input['filters'] as { name: string }[] | undefined;
      if (input['byName'] === true && filters?.some((f) => f.name === 'version')) {
        throw invalid("You can't combine the byName option with the version filter.");
      }
      let rows: Record<string, unknown>[] = [];
      if (input['owner'] === 'Amazon') {
        for (const m of managedImages(ctx.sim)) {
          if (m.regions && !m.regions.includes(ctx.region)) continue;
          const versions = [...m.versions].sort(cmpVersion);
          if (input['byName'] === true) {
            const row = imageVersionRow(ctx.region, m, versions.at(-1)!);
            rows.push({ ...row, arn: row.arn.replace(/\/[^/]+$/, '/x.x.x') });
          } else {
            for (const v of versions) rows.push(imageVersionRow(ctx.region, m, v));
          }
        }
      } else if (input['owner'] === undefined || input['owner'] === 'Self') {
        const seen = new Set<string>();
        for (const b of imageBuilderState(ctx.sim).builds.filter((x) => x.region === ctx.region)) {
          const arn = b.arn.replace(/\/\d+$/, '');
          if (seen.has(arn)) continue;
          seen.add(arn);
          rows.push({
            arn,
            name: b.name,
            type: 'AMI',
            version: b.version,
            platform: 'Linux',
            osVersion: 'Amazon Linux 2023',
            owner: b.account,
            dateCreated: new Date(b.started).toISOString(),
          });
        }
      }
      rows = applyFilters(rows, input['filters']);
      const { items, nextToken } = page(rows, input);
      return { requestId: 'r', imageVersionList: items, ...(nextToken ? { nextToken } : {}) };
    },
  },
  {
    method: 'POST',
    path: '/ListImageBuildVersions',
    operation: 'ListImageBuildVersions',
    input: struct({ imageVersionArn: str({ pattern: P.imageVersion }), filters: FILTERS, ...PAGE }, [
      'imageVersionArn',
    ]),
    handler(input, ctx) {
      const arn = String(input['imageVersionArn']);
      const builds = imageBuilderState(ctx.sim).builds.filter((b) => b.arn.startsWith(`${arn}/`));
      const managed = managedImages(ctx.sim).flatMap((m) =>
        m.versions
          .filter((v) => arn === `arn:aws:imagebuilder:${ctx.region}:aws:image/${arnName(m.name)}/${v}`)
          .map((v) => ({
            ...imageVersionRow(ctx.region, m, v),
            arn: `${arn}/1`,
            state: { status: 'AVAILABLE' },
          })),
      );
      const rows = [...managed, ...builds.map((b) => buildImage(ctx.sim, b))];
      const { items, nextToken } = page(applyFilters(rows, input['filters']), input);
      return { requestId: 'r', imageSummaryList: items, ...(nextToken ? { nextToken } : {}) };
    },
  },
  {
    method: 'GET',
    path: '/GetImage',
    operation: 'GetImage',
    input: struct({ imageBuildVersionArn: str({ pattern: P.image }) }, ['imageBuildVersionArn']),
    handler(input, ctx) {
      const arn = String(input['imageBuildVersionArn']);
      const m = /^arn:aws[^:]*:imagebuilder:([^:]+):([^:]+):image\/([^/]+)\/([^/]+)(?:\/(\d+))?$/.exec(arn)!;
      const [, region, owner, name, version, build] = m;
      if (region !== ctx.region) throw notFound(arn);
      if (owner === 'aws') {
        const image = managedImages(ctx.sim).find(
          (i) => arnName(i.name) === name && (!i.regions || i.regions.includes(ctx.region)),
        );
        const resolved = image && pickVersion(image.versions, version!);
        if (!image || !resolved || (build !== undefined && build !== '1')) throw notFound(arn);
        return {
          requestId: 'r',
          image: {
            ...imageVersionRow(ctx.region, image, resolved),
            arn: `arn:aws:imagebuilder:${ctx.region}:aws:image/${name}/${resolved}/1`,
            state: { status: 'AVAILABLE' },
            outputResources: {
              amis: [
                {
                  region: ctx.region,
                  image: managedAmiId(image.name, resolved, ctx.region),
                  name: `${image.name} ${resolved}`,
                  accountId: '591542846629',
                },
              ],
            },
          },
        };
      }
      const builds = imageBuilderState(ctx.sim).builds.filter(
        (b) =>
          b.region === ctx.region &&
          b.arn.startsWith(`arn:aws:imagebuilder:${region}:${owner}:image/${name}/`),
      );
      const candidates = build
        ? builds.filter((b) => b.arn === arn)
        : builds
            .filter(
              (b) =>
                b.version ===
                pickVersion(
                  builds.map((x) => x.version),
                  version!,
                ),
            )
            .sort((a, b) => a.buildNumber - b.buildNumber);
      const found = candidates.at(-1);
      if (!found) throw notFound(arn);
      return { requestId: 'r', image: buildImage(ctx.sim, found) };
    },
  },
  {
    method: 'POST',
    path: '/ListImagePipelines',
    operation: 'ListImagePipelines',
    input: struct({ filters: FILTERS, ...PAGE }),
    handler(input, ctx) {
      const rows = imageBuilderState(ctx.sim)
        .pipelines.filter((p) => p.region === ctx.region)
        .map((p) => pipelineShape(p));
      const { items, nextToken } = page(
        applyFilters(rows, input['filters'], ['name', 'description', 'arn', 'status']),
        input,
      );
      return { requestId: 'r', imagePipelineList: items, ...(nextToken ? { nextToken } : {}) };
    },
  },
  {
    method: 'GET',
    path: '/GetImagePipeline',
    operation: 'GetImagePipeline',
    input: struct({ imagePipelineArn: str({ pattern: P.pipeline }) }, ['imagePipelineArn']),
    handler(input, ctx) {
      const p = imageBuilderState(ctx.sim).pipelines.find(
        (x) => x.arn === input['imagePipelineArn'] && x.region === ctx.region,
      );
      if (!p) throw notFound(String(input['imagePipelineArn']));
      return { requestId: 'r', imagePipeline: pipelineShape(p) };
    },
  },
  {
    method: 'PUT',
    path: '/UpdateImagePipeline',
    operation: 'UpdateImagePipeline',
    input: struct(
      {
        imagePipelineArn: str({ pattern: P.pipeline }),
        description: str({ min: 1, max: 1024 }),
        imageRecipeArn: str({ pattern: P.recipe }),
        containerRecipeArn: str(),
        infrastructureConfigurationArn: str({ pattern: P.infra }),
        distributionConfigurationArn: str({ pattern: P.distribution }),
        imageTestsConfiguration: any,
        enhancedImageMetadataEnabled: bool,
        schedule: any,
        status: str({ enum: ['DISABLED', 'ENABLED'] }),
        clientToken: TOKEN,
        imageScanningConfiguration: any,
        workflows: any,
        loggingConfiguration: any,
        executionRole: str({ min: 1, max: 2048 }),
        imageTags: any,
      },
      ['imagePipelineArn', 'infrastructureConfigurationArn', 'clientToken'],
    ),
    handler(input, ctx) {
      return idempotent(ctx, 'UpdateImagePipeline', input, () => {
        const state = imageBuilderState(ctx.sim);
        const p = state.pipelines.find((x) => x.arn === input['imagePipelineArn'] && x.region === ctx.region);
        if (!p) throw notFound(String(input['imagePipelineArn']));
        if (!input['imageRecipeArn'] && !input['containerRecipeArn']) {
          throw invalid('You must specify either an image recipe or a container recipe.');
        }
        if (input['imageRecipeArn'] && !state.recipes.some((r) => r.arn === input['imageRecipeArn'])) {
          throw invalid(`The image recipe ${String(input['imageRecipeArn'])} does not exist.`);
        }
        // No selective updates: whatever the request leaves out is reset, as AWS documents.
        const { imagePipelineArn: _arn, clientToken: _token, ...fields } = input;
        p.fields = { status: 'ENABLED', ...fields };
        p.dateUpdated = ctx.now;
        return { requestId: 'r', clientToken: input['clientToken'], imagePipelineArn: p.arn };
      });
    },
  },
  {
    method: 'GET',
    path: '/GetImageRecipe',
    operation: 'GetImageRecipe',
    input: struct({ imageRecipeArn: str({ pattern: P.recipe }) }, ['imageRecipeArn']),
    handler(input, ctx) {
      const r = imageBuilderState(ctx.sim).recipes.find(
        (x) => x.arn === input['imageRecipeArn'] && x.region === ctx.region,
      );
      if (!r) throw notFound(String(input['imageRecipeArn']));
      return { requestId: 'r', imageRecipe: recipeShape(r) };
    },
  },
  {
    method: 'POST',
    path: '/ListImageRecipes',
    operation: 'ListImageRecipes',
    input: struct({
      owner: str({ enum: ['Self', 'Shared', 'Amazon', 'ThirdParty', 'AWSMarketplace'] }),
      filters: FILTERS,
      ...PAGE,
    }),
    handler(input, ctx) {
      const rows = imageBuilderState(ctx.sim)
        .recipes.filter((r) => r.region === ctx.region)
        .map((r) => ({
          arn: r.arn,
          name: r.name,
          platform: 'Linux',
          owner: r.account,
          parentImage: r.parentImage,
          dateCreated: new Date(r.dateCreated).toISOString(),
        }));
      const { items, nextToken } = page(
        applyFilters(rows, input['filters'], ['name', 'parentImage', 'platform']),
        input,
      );
      return { requestId: 'r', imageRecipeSummaryList: items, ...(nextToken ? { nextToken } : {}) };
    },
  },
  {
    method: 'PUT',
    path: '/CreateImageRecipe',
    operation: 'CreateImageRecipe',
    input: struct(
      {
        name: str({ pattern: P.recipeName }),
        description: str({ min: 1, max: 1024 }),
        semanticVersion: str({ pattern: P.semver }),
        components: list(struct({ componentArn: str() }, ['componentArn']), { min: 1 }),
        parentImage: str({ min: 1, max: 1024 }),
        blockDeviceMappings: any,
        tags: any,
        workingDirectory: str({ min: 1, max: 1024 }),
        additionalInstanceConfiguration: any,
        amiTags: any,
        clientToken: TOKEN,
      },
      ['name', 'semanticVersion', 'components', 'parentImage', 'clientToken'],
    ),
    handler(input, ctx) {
      return idempotent(ctx, 'CreateImageRecipe', input, () => {
        const state = imageBuilderState(ctx.sim);
        const name = String(input['name']);
        let version = String(input['semanticVersion']);
        const same = state.recipes.filter((r) => r.name === name && r.region === ctx.region);
        if (version.includes('x')) {
          if (!/^\d+\.\d+\.x$/.test(version)) {
            throw new AwsError(
              'InvalidVersionNumberException',
              `The semantic version ${version} is not valid: only the patch node may be x.`,
            );
          }
          const prefix = version.slice(0, -1);
          const patches = same
            .filter((r) => r.version.startsWith(prefix))
            .map((r) => Number(r.version.split('.')[2]));
          version = `${prefix}${patches.length ? Math.max(...patches) + 1 : 0}`;
        }
        const arn = `arn:aws:imagebuilder:${ctx.region}:${ctx.account}:image-recipe/${arnName(name)}/${version}`;
        if (state.recipes.some((r) => r.arn === arn)) {
          throw new AwsError(
            'ResourceAlreadyExistsException',
            `The following resource already exists: ${arn}`,
          );
        }
        const { name: _n, semanticVersion: _v, components, parentImage, clientToken: _t, ...rest } = input;
        state.recipes.push({
          arn,
          name,
          version,
          region: ctx.region,
          account: ctx.account,
          parentImage: String(parentImage),
          components: components as unknown[],
          rest,
          dateCreated: ctx.now,
        });
        return { requestId: 'r', clientToken: input['clientToken'], imageRecipeArn: arn };
      });
    },
  },
  {
    method: 'PUT',
    path: '/StartImagePipelineExecution',
    operation: 'StartImagePipelineExecution',
    input: struct({ imagePipelineArn: str({ pattern: P.pipeline }), clientToken: TOKEN, tags: any }, [
      'imagePipelineArn',
      'clientToken',
    ]),
    handler(input, ctx) {
      return idempotent(ctx, 'StartImagePipelineExecution', input, () => {
        const state = imageBuilderState(ctx.sim);
        const p = state.pipelines.find((x) => x.arn === input['imagePipelineArn'] && x.region === ctx.region);
        if (!p) throw notFound(String(input['imagePipelineArn']));
        const recipe = state.recipes.find((r) => r.arn === p.fields['imageRecipeArn']);
        if (!recipe) throw invalid(`The image recipe of ${p.arn} does not exist.`);
        const base = `arn:aws:imagebuilder:${ctx.region}:${ctx.account}:image/${arnName(recipe.name)}/${recipe.version}`;
        const buildNumber = state.builds.filter((b) => b.arn.startsWith(`${base}/`)).length + 1;
        const build: Build = {
          arn: `${base}/${buildNumber}`,
          name: arnName(recipe.name),
          version: recipe.version,
          buildNumber,
          region: ctx.region,
          account: ctx.account,
          pipelineArn: p.arn,
          recipeArn: recipe.arn,
          started: ctx.now,
          timeline: p.build,
          distributionRegions: p.distributionRegions,
        };
        state.builds.push(build);
        return { requestId: 'r', clientToken: input['clientToken'], imageBuildVersionArn: build.arn };
      });
    },
  },
  {
    method: 'PUT',
    path: '/CancelImageCreation',
    operation: 'CancelImageCreation',
    input: struct({ imageBuildVersionArn: str({ pattern: P.imageBuild }), clientToken: TOKEN }, [
      'imageBuildVersionArn',
      'clientToken',
    ]),
    handler(input, ctx) {
      return idempotent(ctx, 'CancelImageCreation', input, () => {
        const b = imageBuilderState(ctx.sim).builds.find((x) => x.arn === input['imageBuildVersionArn']);
        if (!b) throw notFound(String(input['imageBuildVersionArn']));
        const { status } = buildStatus(b, ctx.now);
        if (['AVAILABLE', 'FAILED', 'CANCELLED'].includes(status)) {
          throw new AwsError(
            'ResourceInUseException',
            `The image ${b.arn} cannot be cancelled because it is ${status}.`,
          );
        }
        b.cancelledAt = ctx.now;
        return { requestId: 'r', clientToken: input['clientToken'], imageBuildVersionArn: b.arn };
      });
    },
  },
];

function pipelineShape(p: Pipeline) {
  return {
    arn: p.arn,
    name: p.name,
    platform: 'Linux',
    ...p.fields,
    dateCreated: new Date(p.dateCreated).toISOString(),
    dateUpdated: new Date(p.dateUpdated).toISOString(),
  };
}

function recipeShape(r: Recipe) {
  return {
    arn: r.arn,
    type: 'AMI',
    name: r.name,
    owner: r.account,
    version: r.version,
    platform: 'Linux',
    parentImage: r.parentImage,
    components: r.components,
    ...r.rest,
    dateCreated: new Date(r.dateCreated).toISOString(),
  };
}

export const imageBuilderService: RestJsonService = {
  protocol: 'restJson1',
  name: 'imagebuilder',
  iamPrefix: 'imagebuilder',
  signingName: 'imagebuilder',
  routes,
};

export type { Shape };
