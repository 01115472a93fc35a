/** Helpers for job summaries: HTML escaping and links (console links live with the core, in src/aws/console.ts). */

export { consoleLinks } from '../aws/console.js';

/** Text made safe for the HTML of a job summary. */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function link(text: string, href: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}
