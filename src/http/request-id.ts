/**
 * @module http/request-id
 * Request ids (`req_` + 24 hex digits, 96 random bits), one per request. Random bytes are drawn
 * from `crypto.getRandomValues` 256 ids at a time: one call per id cost several microseconds
 * of the gateway's per-request budget, a slice of a pooled buffer costs almost nothing.
 */

const ID_BYTES = 12;
const POOL_IDS = 256;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * @example
 * const nextId = requestIds();
 * nextId(); // 'req_3f9a0c…' (24 hex digits)
 */
export function requestIds(prefix = 'req'): () => string {
  const pool = new Uint8Array(ID_BYTES * POOL_IDS);
  let next = POOL_IDS;
  return () => {
    if (next === POOL_IDS) {
      crypto.getRandomValues(pool);
      next = 0;
    }
    let out = `${prefix}_`;
    const at = next++ * ID_BYTES;
    for (let i = at; i < at + ID_BYTES; i++) out += HEX[pool[i]!];
    return out;
  };
}
