/**
 * The imperative shell every action shares: read the settings once, run main (or post, chosen by saved
 * state as actions/checkout does), and end in one catch that fails the step with a message a user can
 * act on. Outputs are checked against the action's declared names as they are set.
 */
import * as core from '@actions/core';
import { explainError } from '../aws/errors.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { envInputSource, type InputSpec, readInputs, type Settings } from './inputs.js';

export interface DynamicOutput {
  /** Output names that start with this prefix are declared by pattern (they cannot be listed in action.yml). */
  prefix: string;
  description: string;
}

export interface ActionContext<S extends Record<string, InputSpec<unknown>>> {
  settings: Settings<S>;
  setOutput(name: string, value: string): void;
  /** Every output a report knows (undefined ones are left unset): what each shell does in `finally`. */
  setOutputs(values: Readonly<Record<string, string | undefined>>): void;
  saveState(key: string, value: string): void;
  setSecret(value: string): void;
  log: Logger;
  summary: typeof core.summary;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export interface PostContext {
  getState(key: string): string;
  log: Logger;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export interface ActionDefinition<S extends Record<string, InputSpec<unknown>>> {
  /** The action's folder, and its bundle's name under dist/. */
  name: string;
  inputs: S;
  outputs: readonly string[];
  dynamicOutputs?: readonly DynamicOutput[];
  main(ctx: ActionContext<S>): Promise<void>;
  post?(ctx: PostContext): Promise<void>;
}

export function defineAction<S extends Record<string, InputSpec<unknown>>>(
  definition: ActionDefinition<S>,
): ActionDefinition<S> {
  return definition;
}

const runnerLogger: Logger = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  debug: (m) => core.debug(m),
};

function isDeclaredOutput(definition: ActionDefinition<never>, name: string): boolean {
  return (
    definition.outputs.includes(name) ||
    (definition.dynamicOutputs ?? []).some((d) => name.startsWith(d.prefix))
  );
}

/** Job cancellation reaches a JavaScript action as SIGINT, then SIGTERM. */
function cancellationSignal(): AbortSignal {
  const controller = new AbortController();
  const abort = (signal: string) => controller.abort(new Error(`the job was cancelled (${signal})`));
  process.once('SIGINT', () => abort('SIGINT'));
  process.once('SIGTERM', () => abort('SIGTERM'));
  return controller.signal;
}

const POST_MARKER = 'isPost';

/**
 * The job summary, whose write never fails the step: shells write it in `finally`, and an error there
 * (no GITHUB_STEP_SUMMARY, as under act or some self-hosted runners) must not replace the step's own
 * failure. A write that fails is one warning.
 */
const safeSummary: typeof core.summary = new Proxy(core.summary, {
  get(target, property, receiver) {
    if (property !== 'write') return Reflect.get(target, property, receiver) as unknown;
    return async (options?: { overwrite?: boolean }) => {
      try {
        return await target.write.call(receiver, options);
      } catch (error) {
        core.warning(`The job summary was not written: ${errorMessage(error)}`);
        target.emptyBuffer.call(receiver);
        return receiver as typeof core.summary;
      }
    };
  },
});

export async function runAction<S extends Record<string, InputSpec<unknown>>>(
  definition: ActionDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const signal = cancellationSignal();
  const isPost = core.getState(POST_MARKER) === 'true';
  try {
    if (isPost) {
      await definition.post?.({ getState: (k) => core.getState(k), log: runnerLogger, signal, env });
      return;
    }
    // Only an action with a post step needs to tell its two runs apart.
    if (definition.post) core.saveState(POST_MARKER, 'true');
    const settings = readInputs(definition.inputs, envInputSource(env));
    const setOutput = (name: string, value: string) => {
      if (!isDeclaredOutput(definition as ActionDefinition<never>, name)) {
        throw new Error(`internal error: output '${name}' is not declared by ${definition.name}`);
      }
      core.setOutput(name, value);
    };
    await definition.main({
      settings,
      setOutput,
      setOutputs: (values) => {
        for (const [name, value] of Object.entries(values)) if (value !== undefined) setOutput(name, value);
      },
      saveState: (k, v) => core.saveState(k, v),
      setSecret: (v) => core.setSecret(v),
      log: runnerLogger,
      summary: safeSummary,
      signal,
      env,
    });
  } catch (error) {
    core.setFailed(explainError(error));
  } finally {
    // Pending SIGINT/SIGTERM listeners must not keep the process alive.
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  }
}
