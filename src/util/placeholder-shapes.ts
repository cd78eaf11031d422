/**
 * @module util/placeholder-shapes
 * The textual shapes Veil writes in place of a value: reversible pseudonyms `<TYPE_TAG>`, one-way
 * masks `<TYPE_MASKED>` and keyed digests `<TYPE_h:xxxxxxxx>`. The transform stage writes them
 * into requests and the output guard in restore writes masks into answers, so they live in one
 * neutral place (the restore stage must not depend on the transform stage). How tags are made
 * stays in transform/placeholder.
 */

/**
 * Entity types come from policies (already UPPER_SNAKE) but the finding type is only a string,
 * so anything outside `[A-Z0-9_]` becomes `_`. The restore grammar depends on this alphabet.
 */
export function placeholderType(type: string): string {
  const up = type.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z]/.test(up) ? up : `T${up}`;
}

export function pseudonymText(type: string, tag: string): string {
  return `<${placeholderType(type)}_${tag}>`;
}

export function maskText(type: string): string {
  return `<${placeholderType(type)}_MASKED>`;
}

export function hashText(type: string, hex8: string): string {
  return `<${placeholderType(type)}_h:${hex8}>`;
}
