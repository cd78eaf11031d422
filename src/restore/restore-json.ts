/**
 * @module restore/restore-json
 * Restore inside tool-call `arguments`, which are a JSON document carried in a string. Values are
 * restored inside JSON string literals (escapes decoded for matching, the restored value
 * JSON-escaped when spliced in), so valid JSON stays valid and every other byte is kept as sent.
 * Text that is not valid JSON (a partial or broken document) gets the same treatment on a
 * best-effort lexing: restored values are still JSON-string-escaped.
 */
import { StreamRestorer } from './stream-restorer.ts';

/**
 * @example
 * restoreJsonText('{"to":"<PERSON_7Q2M4X>"}', new Map([['<PERSON_7Q2M4X>', 'Kim "K" \\ Lee']]))
 * // '{"to":"Kim \\"K\\" \\\\ Lee"}'
 */
export function restoreJsonText(jsonText: string, reverse: ReadonlyMap<string, string>): string {
  if (reverse.size === 0 || jsonText.length === 0) return jsonText;
  // One whole-text pass through the streaming path: same scanner, same lexer, so a streamed
  // tool call and a non-streamed one are restored identically by construction.
  const r = new StreamRestorer(reverse, { json: true });
  return r.push(jsonText) + r.flush();
}
