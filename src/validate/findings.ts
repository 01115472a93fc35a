/** What the validator reports, and the profiles it judges against. */

export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: Severity;
  message: string;
  /** JSON Pointer of the value the finding is about. */
  pointer: string;
  docs: string;
}

/** Where the task definition will run; `auto` reads it from requiresCompatibilities and runtimePlatform. */
export const PROFILES = ['auto', 'fargate', 'ec2', 'windows', 'bottlerocket', 'outposts'] as const;
export type Profile = (typeof PROFILES)[number];

export const RULES_DOC = 'https://github.com/ecs-shipyard/ecs-shipyard/blob/main/docs/validate-rules.md';
export const docsFor = (rule: string) => `${RULES_DOC}#${rule}`;
