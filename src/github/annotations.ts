/**
 * Annotations: messages the runner pins to a file and line in the pull request's diff and the job's
 * summary. Paths are made relative to the workspace, as GitHub needs them to match the diff.
 */
import * as core from '@actions/core';
import { isAbsolute, relative } from 'node:path';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
}

export function annotationProperties(
  a: Annotation,
  workspace = process.env['GITHUB_WORKSPACE'],
): core.AnnotationProperties {
  const props: core.AnnotationProperties = {};
  if (a.title) props.title = a.title;
  if (a.file)
    props.file = workspace && isAbsolute(a.file) ? relative(workspace, a.file).replace(/\\/g, '/') : a.file;
  if (a.line !== undefined) {
    props.startLine = a.line;
    props.endLine = a.endLine ?? a.line;
    // GitHub ignores columns on annotations that span lines.
    if (a.column !== undefined && props.endLine === a.line) {
      props.startColumn = a.column;
      if (a.endColumn !== undefined) props.endColumn = a.endColumn;
    }
  }
  return props;
}

export function annotate(a: Annotation): void {
  const props = annotationProperties(a);
  if (a.level === 'error') core.error(a.message, props);
  else if (a.level === 'warning') core.warning(a.message, props);
  else core.notice(a.message, props);
}
