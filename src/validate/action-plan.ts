/**
 * validate-task-definitions' plan: the globs, the workspace they are matched in, the config file and the
 * SARIF file resolved against it, and the level that fails the step. Pure: it reads nothing.
 */
import { inWorkspace, workspaceOf } from '../runner-env.js';
import type { Profile } from './findings.js';
import type { PlaceholderMode } from './placeholders.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The inputs validate-task-definitions reads (the shell's spec produces exactly this). */
export interface ValidateSettings {
  files: string[];
  profile: Profile;
  'fail-on': 'error' | 'warning';
  normalize: boolean;
  placeholders: PlaceholderMode | undefined;
  config: string | undefined;
  'sarif-file': string | undefined;
}

export interface ValidatePlan {
  /** Where the globs are matched and file names are relative to: the workspace. */
  cwd: string;
  patterns: string[];
  profile: Profile;
  normalize: boolean;
  /** Given as an input; else the config file's, else allow. */
  placeholders?: PlaceholderMode;
  /** The config file given; without one, .ecs-shipyard.yml in the workspace is read if it exists. */
  config?: string;
  sarifPath?: string;
  failOn: 'error' | 'warning';
}

export function planValidate(settings: ValidateSettings, env: Env): ValidatePlan {
  return {
    cwd: workspaceOf(env),
    patterns: settings.files,
    profile: settings.profile,
    normalize: settings.normalize,
    ...(settings.placeholders ? { placeholders: settings.placeholders } : {}),
    ...(settings.config ? { config: inWorkspace(env, settings.config) } : {}),
    ...(settings['sarif-file'] ? { sarifPath: inWorkspace(env, settings['sarif-file']) } : {}),
    failOn: settings['fail-on'],
  };
}
