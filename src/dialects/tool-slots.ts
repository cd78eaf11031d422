/**
 * @module dialects/tool-slots
 * Tool definitions carry free text too: a developer (or an agent that writes its own tools) can put
 * customer names, internal hosts or keys into a tool's `description`. Every dialect lists them as
 * slots so they are inspected and redacted like any prompt text. The shapes differ only in
 * nesting: OpenAI chat `tools[i].function.description`, Anthropic and Responses
 * `tools[i].description`.
 */
import type { JsonObject, TextSlot } from './types.ts';

export function toolDescriptionSlots(body: JsonObject): TextSlot[] {
  const tools = body.tools;
  if (!Array.isArray(tools)) return [];
  const slots: TextSlot[] = [];
  tools.forEach((tool: unknown, i) => {
    if (typeof tool !== 'object' || tool === null) return;
    const t = tool as { description?: unknown; function?: { description?: unknown } };
    if (typeof t.description === 'string') slots.push({ path: ['tools', i, 'description'], text: t.description, kind: 'text' });
    if (typeof t.function === 'object' && t.function !== null && typeof t.function.description === 'string') {
      slots.push({ path: ['tools', i, 'function', 'description'], text: t.function.description, kind: 'text' });
    }
  });
  return slots;
}
