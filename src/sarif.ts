/**
 * SARIF 2.1.0, for github/codeql-action/upload-sarif, from findings of the validator or of verify: the
 * rules with their help links (and tags, for code scanning's filters), the results with their regions.
 */
import { join } from 'node:path';
import { VERSION } from './version.js';

export interface SarifRule {
  id: string;
  title: string;
  help: string;
  helpUri: string;
  severity: 'error' | 'warning' | 'notice';
  properties?: Record<string, unknown>;
}

export interface SarifFinding {
  rule: string;
  severity: 'error' | 'warning' | 'notice';
  message: string;
  /** Absent: a finding about no file (a registered task definition), reported without a location. */
  file?: string | undefined;
  line: number;
  column: number;
}

const LEVELS = { error: 'error', warning: 'warning', notice: 'note' } as const;

export function sarifLog(
  tool: { name: string; informationUri: string },
  rules: readonly SarifRule[],
  findings: readonly SarifFinding[],
  root = '',
): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: VERSION,
            informationUri: tool.informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              helpUri: r.helpUri,
              help: { text: r.help },
              defaultConfiguration: { level: LEVELS[r.severity] },
              ...(r.properties ? { properties: r.properties } : {}),
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: LEVELS[f.severity],
          message: { text: f.message },
          locations:
            f.file === undefined
              ? []
              : [
                  {
                    physicalLocation: {
                      artifactLocation: {
                        uri: join(root, f.file ?? '').replace(/\\/g, '/'),
                        uriBaseId: '%SRCROOT%',
                      },
                      region: { startLine: f.line, startColumn: f.column },
                    },
                  },
                ],
        })),
      },
    ],
  };
}
