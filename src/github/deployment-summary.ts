/** The job summary of deploy and continue-deployment: what was deployed where, the stages seen with their durations and traffic, the outcome. */
import type * as core from '@actions/core';
import { formatDuration } from '../duration.js';
import { consoleLinks, escapeHtml, link } from './summary.js';
import type { DeployReport } from '../ecs/deploy-run.js';

type Summary = typeof core.summary;

function title(r: DeployReport): string {
  const what = r.controller === 'CODE_DEPLOY' ? ' with CodeDeploy' : '';
  switch (r.outcome) {
    case 'succeeded':
      return `Deployed ${r.service}${what}`;
    case 'paused':
      return `Deployment of ${r.service} paused${r.hookId ? ` at hook ${r.hookId}` : ''}`;
    case 'traffic-shifted':
      return `Production traffic of ${r.service} is on the new revision`;
    case 'not-waited':
      return `Deployment of ${r.service} started`;
    case 'failed':
      return r.controller === 'CODE_DEPLOY'
        ? `CodeDeploy deployment of ${r.service} failed`
        : `Deployment of ${r.service} failed (${r.status})`;
    default:
      return `Deployment of ${r.service} not followed to its end`;
  }
}

/** One row per stage the wait saw: when, for how long, the traffic weights and the hooks. */
function stageRows(r: DeployReport): string[][] {
  return r.stages.map((s, i) => {
    const until = r.stages[i + 1]?.firstSeenAt ?? s.lastSeenAt;
    return [
      s.stage,
      `+${formatDuration(s.firstSeenAt - r.startedAt)}`,
      formatDuration(Math.max(0, until - s.firstSeenAt)),
      s.production === undefined ? '' : `${s.production}%`,
      s.test === undefined ? '' : `${s.test}%`,
      escapeHtml(s.hooks.join('; ')),
    ];
  });
}

export async function writeSummary(summary: Summary, r: DeployReport): Promise<void> {
  if (!r.taskDefinitionArn) return;
  if (!r.service || !r.region) {
    await summary
      .addHeading('Task definition', 3)
      .addRaw(r.taskDefinitionArn, true)
      .addList(r.changes)
      .write();
    return;
  }
  const service = link(`${r.cluster}/${r.service}`, consoleLinks.ecsService(r.region, r.cluster, r.service));
  const deployment = r.serviceDeploymentArn
    ? link(
        'service deployment',
        consoleLinks.ecsServiceDeployment(r.region, r.cluster, r.service, r.serviceDeploymentArn),
      )
    : r.codeDeployDeploymentId
      ? link(r.codeDeployDeploymentId, consoleLinks.codeDeployDeployment(r.region, r.codeDeployDeploymentId))
      : escapeHtml(r.deploymentId ?? '');
  summary
    .addHeading(title(r), 3)
    .addRaw(
      `${service} → ${escapeHtml(r.taskDefinitionArn)} (${deployment}${r.status ? `, ${r.status}` : ''}${r.lifecycleStage ? ` at ${r.lifecycleStage}` : ''})`,
      true,
    );
  if (r.reason) summary.addRaw(`<p>${escapeHtml(r.reason)}</p>`, true);
  if (r.followedBy === 'deployments-list')
    summary.addRaw(
      '<p>Followed through the deployments list: the service deployment could not be followed (the log says why).</p>',
      true,
    );
  if (r.stages.length) {
    const head = ['Stage', 'Seen at', 'For', 'Production', 'Test', 'Hooks'].map((data) => ({
      data,
      header: true,
    }));
    summary.addTable([head, ...stageRows(r)]);
  }
  summary.addList(r.changes);
  if (r.diagnostics.length) summary.addCodeBlock(r.diagnostics.join('\n'));
  if (r.lifecycle.length) summary.addCodeBlock(r.lifecycle.join('\n'));
  else if (!r.diagnostics.length) summary.addCodeBlock(r.timeline.join('\n') || 'not waited for');
  if (r.deregistered.length)
    summary.addRaw(`<p>Deregistered: ${escapeHtml(r.deregistered.join(', '))}</p>`, true);
  await summary.write();
}
