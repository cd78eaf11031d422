/**
 * @module bench/inspect-speed
 * Inspection throughput of a policy enabling every built-in type, over a generated mixed corpus
 * of prompts (200 B–64 KB: English prose, Korean prose, code, logs, with some PII planted), on one
 * core. Reported next to a baseline measured in the same run — one trivial linear regex scan
 * (`/\d{3}/g`) over the same texts — so the ratio survives a noisy machine. Also prints where the
 * time goes (each detector's share inside the full inspector, and the engine's), the
 * linearity curves: text length 1 KB → 1 MB, and dictionary size 10 → 10,000 terms. Times are
 * process CPU time (baseline and inspection in alternating rounds, medians reported), so other
 * load on a shared machine inflates neither side much.
 *
 *   npx tsx bench/inspect-speed.ts [--json]
 */
import { compileInspector } from '../src/inspect/engine.ts';
import { BUILTIN_DETECTORS, builtinTypes } from '../src/inspect/registry.ts';
import type { Detector } from '../src/inspect/types.ts';
import { allTypesInspector } from './quality.ts';
import { rng } from './korean-corpus.ts';

const EN = 'The quarterly report shows revenue grew in every region, although the logistics costs rose faster than expected. Please review the attached summary before Thursday and send comments to the team. ';
const KO = '이번 분기 보고서에 따르면 모든 지역에서 매출이 증가했지만 물류 비용이 예상보다 빠르게 늘었습니다. 목요일 전까지 첨부 요약을 검토하고 의견을 팀에 보내 주세요. ';
const CODE = 'function total(items) {\n  let sum = 0;\n  for (const it of items) sum += it.price * it.qty;\n  return Math.round(sum * 100) / 100;\n}\nconst cfg = { retries: 3, timeoutMs: 2500, region: "ap-northeast-2" };\n';
const LOG = '2024-03-12T14:22:31.118Z INFO  req=7f3a9c2e-1b4d-4e8a-9c1f-2a3b4c5d6e7f GET /api/v2/orders/88213 200 37ms ua="Mozilla/5.0"\n';
const PII = ['kim.minsu@example.com', '010-1234-5678', '900101-1234567', '4111 1111 1111 1111', '192.168.10.24', 'Mr. John Smith', '서울특별시 강남구 테헤란로 152', 'AKIAIOSFODNN7EXAMPLE'];

/** Prompts of 200 B to 64 KB (log-uniform sizes), about `totalBytes` in all. */
function corpus(totalBytes: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  let bytes = 0;
  const enc = new TextEncoder();
  while (bytes < totalBytes) {
    const size = Math.round(200 * Math.pow(64 * 1024 / 200, r()));
    const base = [EN, KO, CODE, LOG][Math.floor(r() * 4)]!;
    let s = '';
    while (s.length < size) {
      s += base;
      if (r() < 0.15) s += ' ' + PII[Math.floor(r() * PII.length)] + ' ';
    }
    // Cut on a character budget approximating the byte size (Korean is 3 bytes per syllable in UTF-8).
    s = s.slice(0, base === KO ? Math.ceil(size / 2.5) : size);
    // As the gateway receives it: parsed out of a JSON body. (A string built by `+=` and `slice`
    // is a rope or a slice of one in V8, which code reading it unit by unit pays for and the
    // regex engine does not; `JSON.parse` returns a flat string, like every prompt in a request.)
    s = JSON.parse(JSON.stringify(s)) as string;
    out.push(s);
    bytes += enc.encode(s).length;
  }
  return out;
}

/** Process CPU time in ms: on a shared machine, load from other processes stretches wall time, not this. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms per call of `fn`, after a warm-up call, over at least `minMs` of CPU time. */
function time(fn: () => void, minMs = 300): number {
  fn();
  let runs = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < minMs) { fn(); runs++; t = cpuMs(); }
  return (t - t0) / runs;
}

/** Two functions timed in alternating rounds, so a change in machine load hits both alike. */
const ROUNDS = 9;

function timePair(a: () => void, b: () => void, rounds = ROUNDS, minMs = 100): { a: number; b: number; ratio: number } {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) { ta.push(time(a, minMs)); tb.push(time(b, minMs)); }
  // Medians, and the median of the per-round ratios: on a shared machine one round in a few is
  // hit by a burst of other work, and a mean would carry it into the result.
  return { a: median(ta), b: median(tb), ratio: median(tb.map((x, i) => x / ta[i]!)) };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const texts = corpus(4 * 1024 * 1024);
  const bytes = texts.reduce((a, s) => a + new TextEncoder().encode(s).length, 0);
  const mb = bytes / (1024 * 1024);
  const inspector = allTypesInspector();
  let sink = 0;
  const { a: baselineMs, b: inspectMs, ratio } = timePair(
    () => { for (const s of texts) { const re = /\d{3}/g; while (re.exec(s)) sink++; } },
    () => { for (const s of texts) sink += inspector.inspect(s).length; },
  );
  console.log(`Built-in detectors (${BUILTIN_DETECTORS.length}): ${BUILTIN_DETECTORS.map((d) => d.id).join(', ') || '(none)'}`);
  console.log(`Corpus: ${texts.length} prompts, ${mb.toFixed(2)} MB (UTF-8), node ${process.version}; times are process CPU time\n`);
  console.log('| measure | MB/s |\n| --- | ---: |');
  console.log(`| baseline \`/\\d{3}/g\` scan | ${(mb / (baselineMs / 1000)).toFixed(1)} |`);
  console.log(`| inspect, all built-in types | ${(mb / (inspectMs / 1000)).toFixed(1)} |`);
  console.log(`\nRatio inspect/baseline time (median of ${ROUNDS} alternating rounds): ${ratio.toFixed(2)}×\n`);

  // Where the time goes inside the full inspector: each detector's own calls, and the engine's
  // share (its one cue pass per text, the disguise check, overlap resolution). Shares of wall time
  // (performance.now costs ~0.1 µs per call; load from other processes inflates all parts alike).
  const spent = new Map<string, number>();
  const timed = BUILTIN_DETECTORS.map((d): Detector => ({
    id: d.id,
    types: d.types,
    keywords: d.keywords,
    // The same array, not a copy: the engine finds a detector's hint list by identity.
    hints: d.hints,
    keywordPositions: d.keywordPositions,
    detect(t, ctx) {
      const t0 = performance.now();
      try { return d.detect(t, ctx); } finally { spent.set(d.id, (spent.get(d.id) ?? 0) + performance.now() - t0); }
    },
  }));
  const rules = Object.fromEntries([...builtinTypes()].map((t) => [t, { min_score: 0.5 }]));
  const timedInspector = compileInspector({ rules, dictionaries: [], patterns: [] }, timed);
  for (const s of texts) sink += timedInspector.inspect(s).length;
  spent.clear();
  const w0 = performance.now();
  for (let r = 0; r < 5; r++) for (const s of texts) sink += timedInspector.inspect(s).length;
  const wall = performance.now() - w0;
  const inDetectors = [...spent.values()].reduce((a, b) => a + b, 0);
  const shares = [...spent].sort((a, b) => b[1] - a[1]);
  console.log('Where the time goes (share of inspection time, all built-in types):\n\n| part | share |\n| --- | ---: |');
  console.log(`| engine: cue pass, disguise check, overlaps | ${((100 * (wall - inDetectors)) / wall).toFixed(1)}% |`);
  for (const [id, ms] of shares.slice(0, 10)) console.log(`| ${id} | ${((100 * ms) / wall).toFixed(1)}% |`);
  const rest = shares.slice(10).reduce((a, [, ms]) => a + ms, 0);
  console.log(`| ${shares.length - 10} other detectors | ${((100 * rest) / wall).toFixed(1)}% |\n`);

  console.log('Linearity in text length (mixed text, all built-in types):\n\n| text | ms | µs per KB |\n| ---: | ---: | ---: |');
  // Prompts joined by a blank line: a single line break between a number ending one prompt and a
  // number starting the next would read as a number wrapped over lines (see the last table).
  const mixed = texts.join('\n\n');
  for (const kb of [1, 10, 100, 1000]) {
    const s = mixed.slice(0, kb * 1024);
    const ms = time(() => { sink += inspector.inspect(s).length; }, 200);
    console.log(`| ${kb} KB | ${ms.toFixed(2)} | ${((ms * 1000) / kb).toFixed(1)} |`);
  }

  console.log('\nLinearity in dictionary size (1 MB of mixed text, dictionary only):\n\n| terms | ms | µs per KB |\n| ---: | ---: | ---: |');
  const text = mixed.slice(0, 1024 * 1024);
  for (const n of [10, 100, 1000, 10000]) {
    const r = rng(n);
    const terms = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `프로젝트${i}호` : `codename-${Math.floor(r() * 1e9).toString(36)}`));
    const ins = compileInspector({ rules: { PROJECT: { min_score: 0.5 } }, dictionaries: [{ name: 'd', type: 'PROJECT', terms }], patterns: [] }, []);
    const ms = time(() => { sink += ins.inspect(text).length; }, 200);
    console.log(`| ${n} | ${ms.toFixed(2)} | ${((ms * 1000) / 1024).toFixed(2)} |`);
  }
  // The same 1 MB with one number wrapped over a line break: the engine then also runs every
  // detector on the normalized views from normalize.ts (two of them for a wrapped number).
  const wrapped = text.slice(0, 512 * 1024) + ' 4111 1111\n1111 1111 ' + text.slice(512 * 1024 + 21);
  const msWrapped = time(() => { sink += inspector.inspect(wrapped).length; }, 200);
  const msPlain = time(() => { sink += inspector.inspect(text).length; }, 200);
  console.log('\nDisguise views (all built-in types, 1 MB):\n\n| text | ms |\n| --- | ---: |');
  console.log(`| ordinary | ${msPlain.toFixed(1)} |\n| one number wrapped over a line break | ${msWrapped.toFixed(1)} |`);
  if (sink === -1) console.log(sink);
}

main();
