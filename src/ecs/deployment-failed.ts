/** A deployment that ended FAILED (circuit breaker) or was replaced. No AWS client here: the action's entry imports it. */
export class DeploymentFailed extends Error {
  override readonly name = 'DeploymentFailed';
  constructor(
    readonly deploymentId: string,
    readonly reason: string,
    readonly rolledBackTo: string | undefined,
    /** The rollback deployment has completed (the failed one is gone from the list). */
    readonly rollbackDone = false,
  ) {
    super(`The deployment ${deploymentId} failed: ${reason}`);
  }
}
