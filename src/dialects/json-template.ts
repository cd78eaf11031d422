/**
 * @module dialects/json-template
 * A JSON document serialized once with holes, filled per event by string concatenation. Streams
 * send the same object shape hundreds of times with only the text delta (and a sequence number)
 * changing; building and `JSON.stringify`-ing the whole object per token was a measurable part of
 * the gateway's per-token cost. The output is byte-identical to `JSON.stringify` of the object.
 *
 * @example
 * const chunk = jsonTemplate((hole) => ({ id, choices: [{ delta: { content: hole(0) } }] }));
 * chunk(JSON.stringify('Hello')); // '{"id":…,"choices":[{"delta":{"content":"Hello"}}]}'
 */

/** Cannot occur in text a caller would put in a shape by accident (NUL-delimited). */
const sentinel = (i: number) => `\u0000veil-hole-${i}\u0000`;

/**
 * `build` returns the document with `hole(i)` where the i-th value goes (each hole once). The
 * returned function takes each hole's value as JSON text, already serialized (`JSON.stringify(s)`
 * for a string, `String(n)` for a number), in hole order.
 */
export function jsonTemplate(build: (hole: (i: number) => string) => unknown): (...json: string[]) => string {
  const doc = JSON.stringify(build(sentinel));
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; ; i++) {
    const mark = JSON.stringify(sentinel(i));
    const at = doc.indexOf(mark, from);
    if (at < 0) break;
    parts.push(doc.slice(from, at));
    from = at + mark.length;
  }
  parts.push(doc.slice(from));
  const holes = parts.length - 1;
  // A sentinel also found in the fixed text (or holes out of order) would misplace values: serialize
  // the object each time instead. Never expected; kept so a strange model id cannot corrupt output.
  if (holes === 0 || doc.split('\u0000veil-hole-').length - 1 !== holes) {
    return (...json) => JSON.stringify(build((i) => JSON.parse(json[i] ?? 'null') as string));
  }
  if (holes === 1) {
    const [a, b] = parts as [string, string];
    return (v) => a + v + b;
  }
  return (...json) => {
    let out = parts[0] as string;
    for (let i = 0; i < holes; i++) out += (json[i] ?? 'null') + (parts[i + 1] as string);
    return out;
  };
}
