/**
 * @module util/raw-header
 * One header from a raw name/value list (Node's `rawHeaders`), read as the web `Headers.get`
 * reads it: any case, every occurrence joined by ', ', null when absent. Cheaper than building a
 * `Headers` from every raw header when only one or two are wanted, and the same answer: Node's
 * parsed `headers` object would keep only the first of a repeated `authorization`, where the web
 * `Headers` (and so the Workers entry) sees both, and the gateway must read a request the same
 * everywhere.
 */

/** `name` is lower case. */
export function rawHeader(raw: readonly string[], name: string): string | null {
  let out: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!;
    if (k.length !== name.length || k.toLowerCase() !== name) continue;
    const v = raw[i + 1]!;
    out = out === null ? v : `${out}, ${v}`;
  }
  return out;
}
