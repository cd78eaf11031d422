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

export function answerTransforms(
  reverse: ReadonlyMap<string, string>,
  guard: ((text: string) => Finding[]) | null,
): AnswerTransforms {
  const restoring = reverse.size > 0;
  if (!restoring && !guard) {
    return { identity: true, text: (s) => s, json: (s) => s, stream: () => identityPiece };
  }
  // The guard runs on the model's own words, before restore, so values the user sent are never
  // masked on the way back — only what the model produced.
  const guardFn = guard ? (s: string) => guardText(s, guard) : (s: string) => s;
  return {
    identity: false,
    text: (s) => (restoring ? restoreText(guardFn(s), reverse) : guardFn(s)),
    // Tool arguments are JSON the client's code parses: restored, not guarded (a mask could break it).
    json: (s) => (restoring ? restoreJsonText(s, reverse) : s),
    stream: (kind) => {
      const restorer = restoring ? new StreamRestorer(reverse, { json: kind === 'json' }) : null;
      const g = guard && kind === 'text' ? new StreamOutputGuard(guard, { holdBack: 512 }) : null;
      if (!g) return restorer ?? identityPiece;
      if (!restorer) return g;
      return {
        push: (s) => restorer.push(g.push(s)),
        flush: () => restorer.push(g.flush()) + restorer.flush(),
      };
    },
  };
}
