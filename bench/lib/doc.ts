/**
 * @module bench/lib/doc
 * Writes one `## Section` of docs/benchmarks.md in place, leaving the other sections alone, so
 * each benchmark can refresh its own table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const DOC = resolve(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md');

/**
 * Replaces section `## title` (up to the next `## `) with `body` and a measured-at stamp. A new
 * section goes at the end, or right under the `# ` title with `{ top: true }`; `stamp: false`
 * leaves out the stamp (for prose that is not a measurement).
 */
export function replaceSection(title: string, body: string, opts: { top?: boolean; stamp?: boolean } = {}): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const stamp = opts.stamp === false ? '' : `_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC._\n\n`;
  const section = `## ${title}\n\n${stamp}${body.replace(/^\n+/, '').trimEnd()}\n`;
  const re = new RegExp(`## ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[\\s\\S]*?(?=\\n## |$)`);
  let next: string;
  if (re.test(doc)) next = doc.replace(re, () => section.trimEnd() + '\n');
  else if (opts.top && doc.includes('\n## ')) next = doc.replace('\n## ', () => `\n${section}\n## `);
  else next = `${doc.trimEnd()}\n\n${section}`;
  writeFileSync(DOC, next);
}
