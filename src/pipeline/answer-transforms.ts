/**
 * @module pipeline/answer-transforms
 * Builds what a dialect applies to the answer: placeholder restore (this request's reverse map)
 * and, when the policy asks, the output guard that masks secrets the model emits. Identity when
 * neither applies, so the plain allow path streams bytes through untouched.
 */
import type { AnswerTransforms, PieceTransform } from '../dialects/types.ts';
import type { Finding } from '../inspect/types.ts';
import { guardText, StreamOutputGuard } from '../restore/output-guard.ts';
import { restoreJsonText } from '../restore/restore-json.ts';
import { restoreText } from '../restore/restore-text.ts';
import { StreamRestorer } from '../restore/stream-restorer.ts';

const identityPiece: PieceTransform = { push: (s) => s, flush: () => '' };

type Guard = (text: string) => Finding[];

export function answerTransforms(reverse: ReadonlyMap<string, string>, guard: Guard | null): AnswerTransforms {
  if (reverse.size === 0 && !guard) return identityTransforms;
  const r = reverse.size > 0 ? reverse : null;
  // Module functions bound per request, not arrows: under tsx (esbuild keep-names) each named
  // arrow built per request costs a `__name` call. Bound, so `t.text` may be passed detached.
  return {
    identity: false,
    text: rewriteText.bind(null, r, guard),
    json: rewriteJson.bind(null, r),
    stream: rewriteStream.bind(null, r, guard),
  };
}

const identityTransforms: AnswerTransforms = {
  identity: true,
  text: (s) => s,
  json: (s) => s,
  stream: () => identityPiece,
};

// The guard runs on the model's own words, before restore, so values the user sent are never
// masked on the way back — only what the model produced.
function rewriteText(reverse: ReadonlyMap<string, string> | null, guard: Guard | null, s: string): string {
  const guarded = guard ? guardText(s, guard) : s;
  return reverse ? restoreText(guarded, reverse) : guarded;
}

// Tool arguments are JSON the client's code parses: restored, not guarded (a mask could break it).
function rewriteJson(reverse: ReadonlyMap<string, string> | null, s: string): string {
  return reverse ? restoreJsonText(s, reverse) : s;
}

function rewriteStream(reverse: ReadonlyMap<string, string> | null, guard: Guard | null, kind: 'text' | 'json'): PieceTransform {
  const restorer = reverse ? new StreamRestorer(reverse, { json: kind === 'json' }) : null;
  const g = guard && kind === 'text' ? new StreamOutputGuard(guard, { holdBack: 512 }) : null;
  if (!g) return restorer ?? identityPiece;
  if (!restorer) return g;
  return {
    push: (s) => restorer.push(g.push(s)),
    flush: () => restorer.push(g.flush()) + restorer.flush(),
  };
}
