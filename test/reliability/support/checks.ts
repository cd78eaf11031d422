/**
 * @module test/reliability/support/checks
 * Assertions shared by the hostile-input, evasion and limits tests: what any gateway response
 * must never contain, and the error shapes of the dialects.
 */

/** A reason the body leaks internals (stack frames, source paths), or null. */
export function leaksInternals(body: string): string | null {
  if (/\n\s*at \S/.test(body) || /\bat [\w.<>]+ \(/.test(body)) return 'stack frame';
  if (/(?:\/work\/|\/src\/|\/node_modules\/|node:internal|file:\/\/)/.test(body)) return 'file path';
  if (/\.(?:ts|mjs|js):\d+/.test(body)) return 'source position';
  return null;
}

/** A reason `body` is not OpenAI's error shape, or null. */
export function notOpenAIError(body: string): string | null {
  try {
    const e = (JSON.parse(body) as { error?: { message?: unknown; type?: unknown; code?: unknown } }).error;
    if (!e || typeof e.message !== 'string' || typeof e.type !== 'string' || !('code' in e)) return `not OpenAI's error shape: ${body.slice(0, 200)}`;
    return null;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

/** A reason `body` is not Anthropic's error shape, or null. */
export function notAnthropicError(body: string): string | null {
  try {
    const j = JSON.parse(body) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    if (j.type !== 'error' || typeof j.error?.type !== 'string' || typeof j.error.message !== 'string') return `not Anthropic's error shape: ${body.slice(0, 200)}`;
    return null;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

/** Own enumerable and non-enumerable keys of Object.prototype, to detect pollution. */
export function prototypeKeys(): string[] {
  return Reflect.ownKeys(Object.prototype).map(String).sort();
}
