/**
 * @module inspect/detectors/people/shared-word-starts
 * One word-start pass per text for every detector here that looks for English words at word
 * starts: person.en's cue words and given names, address.us's street suffixes. Each pass over a
 * text costs about the same whatever the words, so the detectors register their lists at module
 * load, the first `find` on a text runs one pass over the union (`compileWordStartLists`) and
 * keeps every list's hits in the text's shared scan (`TextScan.cached`); the other lists read
 * theirs from there. Called on its own (no shared scan for this text), a detector still gets its
 * hits: it then runs the pass itself, over the union as well.
 */
import type { DetectContext } from '../../types.ts';
import { scanOf } from '../../text-scan.ts';
import { compileWordStartLists, type WordList, type WordStartLists } from './word-starts.ts';

export interface SharedWordStarts {
  /**
   * Ascending positions in `text` where one of this list's words begins and the unit before is
   * not an ASCII letter. Shared with other callers of this text: copy before changing it.
   */
  find(text: string, ctx?: DetectContext): readonly number[];
}

const lists: WordList[] = [];
let finder: WordStartLists | undefined;
/** Memo key per compiled union: a list registered late must not read a pass made without it. */
let key = '';

/**
 * Registers a word list (words of at least two units, opening with an ASCII letter; others
 * throw) for the shared pass. Call at module load: the union is compiled on the first `find`.
 */
export function sharedWordStarts(list: WordList): SharedWordStarts {
  const index = lists.length;
  // Fail at load, as compileWordStarts does, not on the first text.
  compileWordStartLists([list]);
  lists.push({ words: [...list.words], whole: list.whole === true });
  finder = undefined;
  return {
    find(text: string, ctx?: DetectContext): readonly number[] {
      if (finder === undefined) {
        finder = compileWordStartLists(lists);
        key = `people/word-starts#${lists.length}`;
      }
      const f = finder;
      return scanOf(text, ctx).cached(key, () => f.find(text))[index] ?? [];
    },
  };
}
