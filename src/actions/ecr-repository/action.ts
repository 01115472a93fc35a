/**
 * ecr-repository: makes sure the ECR repository a build pushes to exists before the build starts — found,
 * or created with scanning on push, immutable tags and encryption — and gives its URI. The shell: inputs,
 * the plan (every check before AWS is called), the run with a client made for this step, the report as
 * outputs and the job summary.
 */
import { REGISTRY_ACCEPTED } from '../../ecr/registry.js';
import {
  parsePrivateRegistry,
  parseRepositoryRef,
  parseTagFilter,
  planRepository,
  REPOSITORY_ACCEPTED,
  TAG_FILTER_ACCEPTED,
} from '../../ecr/repository-plan.js';
import type { RepositoryReport } from '../../ecr/repository-run.js';
import { defineAction } from '../../github/action.js';
import { boolean, list, oneOf, parsed, region, text } from '../../github/inputs.js';
import { consoleLinks, link } from '../../github/summary.js';
import type * as AwsModule from './aws.js';

const NAME = 'ecr-repository';

export const inputs = {
  repository: parsed(parseRepositoryRef, { accepted: REPOSITORY_ACCEPTED, required: true }),
  registry: parsed(parsePrivateRegistry, { accepted: REGISTRY_ACCEPTED }),
  region: region(),
  'if-missing': oneOf(['create', 'fail'], { default: 'create' }),
  'scan-on-push': boolean({ default: 'true' }),
  'tag-mutability': oneOf(['IMMUTABLE', 'MUTABLE'], { default: 'IMMUTABLE' }),
  'mutable-tags': list({ item: parseTagFilter, itemAccepted: TAG_FILTER_ACCEPTED, default: '' }),
  encryption: oneOf(['AES256', 'KMS'], { default: 'AES256' }),
  'kms-key': text({
    pattern: /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f-]{36})$/,
    accepted: 'a KMS key ID, key ARN, alias (alias/name) or alias ARN',
  }),
};

export const outputs = [
  'repository-uri',
  'repository-arn',
  'registry-id',
  'region',
  'created',
  'tag-mutability',
  'mutable-tags',
] as const;

export function outputsOf(report: RepositoryReport): Partial<Record<(typeof outputs)[number], string>> {
  const repo = report.repository;
  if (!repo) return {};
  return {
    'repository-uri': repo.uri,
    'repository-arn': repo.arn,
    'registry-id': repo.registryId,
    region: report.region,
    created: String(repo.created),
    'tag-mutability': repo.tagMutability,
    'mutable-tags': repo.exclusions.join(','),
  };
}

export default defineAction({
  name: NAME,
  inputs,
  outputs,

  async main(ctx) {
    const plan = planRepository(ctx.settings, ctx.env);
    const aws: typeof AwsModule = await import('./aws.js');
    const region = aws.resolveRegion(plan.region, ctx.env);
    const report: RepositoryReport = { region, name: plan.wanted.name };
    await aws.runRepository(
      plan,
      { ecr: aws.createClient(aws.ECRClient, { region, action: NAME, env: ctx.env }), region, log: ctx.log },
      report,
    );
    ctx.setOutputs(outputsOf(report));
    const repo = report.repository!;
    await ctx.summary
      .addRaw(
        `<p>ECR repository ${link(repo.uri, consoleLinks.ecrRepository(region, repo.registryId, report.name))}: ${repo.created ? 'created' : 'exists'}.</p>`,
        true,
      )
      .write();
  },
});
