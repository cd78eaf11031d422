/**
 * @module dialects/json-path
 * Reading and writing the text slots of a request body by path, on a structural copy so the
 * client's parsed body is never mutated (the audit and retries see the original shape).
 */
import type { JsonObject, JsonPath } from './types.ts';

/** Returns a copy of `root` with each path set to its new text. Only containers on a path are copied. */
export function setTexts(root: JsonObject, edits: readonly { path: JsonPath; text: string }[]): JsonObject {
  const copy: JsonObject = { ...root };
  const copied = new Set<unknown>([copy]);
  for (const { path, text } of edits) {
    let node: Record<string | number, unknown> = copy as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const child = node[key];
      let next: Record<string | number, unknown>;
      if (copied.has(child)) next = child as Record<string | number, unknown>;
      else {
        next = (Array.isArray(child) ? [...child] : { ...(child as object) }) as Record<string | number, unknown>;
        copied.add(next);
        node[key] = next;
      }
      node = next;
    }
    node[path[path.length - 1]!] = text;
  }
  return copy;
}
