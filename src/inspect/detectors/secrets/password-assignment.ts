/**
 * @module inspect/detectors/secrets/password-assignment
 * Passwords written next to their label: `password=…`, `passwd: …`, `pwd=`, `"password": "…"`,
 * `DB_PASSWORD=…` and `DB_PASS=…` in env files, `my password is …`, `비밀번호: …`, `비밀번호는 …`, `암호: …`.
 * The finding covers the value only, so the label stays readable for the model. After
 * gitleaks' generic password keywords (see SOURCES.md).
 *
 * Not reported: placeholders (`********`, `${DB_PASS}`, `changeme`, empty), code that reads
 * the password from elsewhere (`getPassword()`, `config.password`, `os.environ[...]`), and,
 * for the spoken forms (`is`, `는/은`), values made only of letters, which are far more often
 * prose ("password is incorrect", "비밀번호는 변경해야") than passwords.
 */
import type { Detector, Finding } from '../../types.ts';
import { isPlaceholder } from './placeholder.ts';

// Label, then a separator: `:`/`=`/`=>`/`:=` (possibly after a closing quote), or the spoken
// `is`/`는`/`은`. Then a quoted value (groups 3-5) or a bare one (group 6), read greedily (a lazy
// match with a look-ahead per character was measurably slower on hostile input) and trimmed
// afterwards by `bareValueEnd`.
const PATTERN = new RegExp(
  // camelCase (`userPassword`) may follow lower-case letters; `dbpassword`-style run-ons may not.
  String.raw`(?:(?<![A-Za-z0-9])pass(?:word|wd|phrase)|Pass(?:word|wd|phrase)|(?<![A-Z0-9])PASS(?:WORD|WD|PHRASE)|(?<![A-Za-z0-9])pwd|Pwd|(?<![A-Z0-9])PWD|비밀번호|패스워드|비번|암호|` +
    // `pass` alone only as the last segment of a longer name (`DB_PASS`, `smtp.pass`, `mailPass`)
    // or a query parameter (`&pass=`), or said of one's own (`my db pass is …`): on its own it
    // is an English word (`Pass: 3 of 5`).
    // The literal comes first and the look-behind after it, so the regex engine can skip ahead to
    // a `p`/`P`; leading look-behinds made it try every position (~40 ms/MB on plain prose).
    String.raw`(?:pass|PASS|Pass)(?<=[A-Za-z0-9][_.-]....)(?![A-Za-z])|Pass(?<=[a-z]Pass)(?![a-z])|pass(?<=[?&]pass)(?==)|` +
    String.raw`pass(?<=(?<![A-Za-z])[Mm]y (?:[A-Za-z]{1,12} )?pass)(?=[^\S\r\n]{1,4}(?:is|was)(?![A-Za-z])))` +
    String.raw`(?:["'\x60]?[^\S\r\n]{0,4}(=>|:=|[:=：])|(는|은|[^\S\r\n]{1,4}(?:is|was)(?![A-Za-z])))[^\S\r\n]{0,4}` +
    String.raw`(?:"([^"\r\n]{0,256})"|'([^'\r\n]{0,256})'|\x60([^\x60\r\n]{0,256})\x60|` +
    String.raw`([^\s"'\x60,;&<>)\]}]{1,128}))`,
  'dg',
);

/** A Korean copula or ending glued to the value (`abc123!입니다`), and a full stop after it. */
const TRAILING_KO = /(?:입니다|이에요|예요|이야|이고|이며|이니|이다|요|야|다)?\.?$/;

/** End of a bare value once a glued copula and sentence-ending full stop are cut off. */
function bareValueEnd(value: string, start: number): number {
  const cut = TRAILING_KO.exec(value);
  const kept = cut && cut.index > 0 ? cut.index : value.length;
  return start + kept;
}

/** The label is `pass` alone (the weak form above), read from the start of the match. */
const WEAK_LABEL = /^(?:pass|PASS|Pass)(?![A-Za-z])/;
/** A length rule, not a password: `비밀번호는 8자 이상`, `password: 12 characters minimum`. */
const LENGTH_RULE = /^\d{1,3}(?:자리|자|글자|문자|characters?|chars?)?$/u;

const CODE_REFERENCE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(|\[)|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

export const passwordAssignment: Detector = {
  id: 'secret.password_assignment',
  types: ['PASSWORD'],
  keywords: ['pass', 'pwd', '비밀번호', '패스워드', '비번', '암호'],
  detect(text: string): Finding[] {
    const out: Finding[] = [];
    const re = new RegExp(PATTERN);
    try {
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const spoken = m[2] !== undefined;
        const group = [3, 4, 5, 6].find((g) => m[g] !== undefined);
        if (group === undefined) continue;
        const span = m.indices?.[group];
        if (!span) continue;
        const bare = group === 6;
        const end = bare ? bareValueEnd(m[group] ?? '', span[0]) : span[1];
        const value = text.slice(span[0], end);
        // Judge the value before a trailing full stop is cut too: `sk-...` must stay `...`.
        if (isPlaceholder(value) || isPlaceholder(m[group] ?? '')) continue;
        // A bare identifier followed by `(`/`[` or a dotted path is code fetching the password.
        if (bare && CODE_REFERENCE.test(value + (text[end] ?? ''))) continue;
        const lettersOnly = /^[\p{L}]+$/u.test(value);
        if (spoken && lettersOnly) continue;
        // `Password: must contain a digit`: a bare word followed by more words is prose.
        // Only after a colon: `password=abcDEF next=1` in a log line is an assignment.
        const colon = m[1] === ':' || m[1] === '：';
        if (bare && colon && lettersOnly && /^[^\S\r\n]+\p{L}/u.test(text.slice(end, end + 8))) continue;
        if (bare && LENGTH_RULE.test(value)) continue;
        if (WEAK_LABEL.test(m[0])) {
          // `pass` is a weaker label: the value must look like a password.
          if (value.length < 6 || /^\d+$/.test(value) || (bare && lettersOnly)) continue;
        }
        out.push({
          type: 'PASSWORD',
          start: span[0],
          end,
          score: spoken ? 0.7 : 0.85,
          detector: 'secret.password_assignment',
        });
      }
    } catch {
      // Regex execution cannot fail on a string; keep the never-throw contract anyway.
    }
    return out;
  },
};
