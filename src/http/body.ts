/**
 * @module http/body
 * Reads a JSON request body with a hard size cap, counting bytes as they arrive so a chunked
 * upload without Content-Length cannot exhaust memory, and a nesting cap: a body nested deeper
 * than `MAX_JSON_DEPTH` parses, but cannot be re-serialized for the upstream (stack overflow),
 * so it is refused up front as the client's error instead of failing later as an upstream one.
 */
import { VeilError } from '../util/errors.ts';

export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  return parseJsonBody(await readBodyBytes(req, maxBytes));
}

/** The body's bytes, refused with `body_too_large` as soon as the declared or counted size passes `maxBytes`. */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) throw emptyBody();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.byteLength;
  }
  return bytes;
}

// fatal: invalid UTF-8 is a client error, not something to silently repair and inspect. One
// decoder serves every request: a non-streaming decode() starts from a clean state each call.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 JSON bytes → value, with the nesting cap; every failure is an `invalid_json` VeilError that quotes nothing. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw emptyBody();
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new VeilError('invalid_json', 'The request body is not valid UTF-8.');
  }
  if (!text.trim()) throw emptyBody();
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new VeilError('invalid_json', `The request body nests JSON deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse messages can quote the input: report only the position.
    const pos = /position (\d+)/.exec(String((e as Error).message))?.[1];
    throw new VeilError('invalid_json', `The request body is not valid JSON${pos ? ` (error at position ${pos})` : ''}.`);
  }
}

/** Far deeper than any real request (JSON Schemas of tools nest a few dozen levels). */
export const MAX_JSON_DEPTH = 512;

/** True when `[`/`{` nest deeper than `max` outside strings. No recursion, no allocation. */
export function nestingExceeds(text: string, max: number): boolean {
  // Nesting deeper than `max` needs more than `max` openers. Counting them with `indexOf` (native,
  // vectorised) settles almost every real body without the character loop below, which costs
  // ~1 µs per KB on every request.
  if (openersAtMost(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** True when `text` holds at most `max` of `[` and `{` together, counted anywhere (strings too). */
function openersAtMost(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  return true;
}

function emptyBody() {
  return new VeilError('invalid_json', 'The request body is empty; send a JSON object.');
}

export function tooLarge(max: number): VeilError {
  return new VeilError('body_too_large', `The request body exceeds the gateway limit of ${max} bytes.`);
}
