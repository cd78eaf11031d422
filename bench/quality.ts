/**
 * @module bench/quality
 * Detection quality: per-type precision and recall and the share of sensitive characters left
 * uncovered ("leaked characters"), on presidio-research's synthetic English set (read in place
 * from `../shared/data/`, never copied), on the seeded Korean set from `korean-corpus.ts` and on
 * the seeded secrets set from `secrets-corpus.ts` (SECRET, PRIVATE_KEY, PASSWORD, with a per-rule
 * breakdown and false positives by the kind of hard negative they landed on).
 *
 * A finding matches a gold span of the same type when their character IoU is ≥ 0.5 or one
 * contains the other. Recall counts gold spans matched; precision counts findings matched; a
 * finding of a type the dataset labels is a false positive when it matches nothing.
 *
 *   npx tsx bench/quality.ts [--secrets-only] [--misses]   (--misses prints each synthetic secrets sample missed or falsely flagged)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileInspector, type Inspector } from '../src/inspect/engine.ts';
import { BUILTIN_DETECTORS, builtinTypes } from '../src/inspect/registry.ts';
import type { Finding } from '../src/inspect/types.ts';
import { koreanCorpus, type Sample } from './korean-corpus.ts';
import { secretsCorpus, type SecretSample } from './secrets-corpus.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PRESIDIO = join(ROOT, '..', 'shared', 'data', 'presidio-synth-v2.json');

/** presidio entity → Veil type; anything else is reported as not covered. */
const PRESIDIO_MAP: Record<string, string> = {
  PERSON: 'PERSON', STREET_ADDRESS: 'ADDRESS', CREDIT_CARD: 'CREDIT_CARD', PHONE_NUMBER: 'PHONE',
  EMAIL_ADDRESS: 'EMAIL', IBAN_CODE: 'IBAN', US_SSN: 'US_SSN', IP_ADDRESS: 'IP_ADDRESS',
};

export interface TypeScore { type: string; gold: number; found: number; tp: number; fpFindings: number; precision: number; recall: number }
export interface Report { samples: number; types: TypeScore[]; leakedChars: number; goldChars: number; ms: number; notCovered: Record<string, number> }

function spanMatch(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  if (inter === 0) return false;
  if ((a.start <= b.start && a.end >= b.end) || (b.start <= a.start && b.end >= a.end)) return true;
  const union = Math.max(a.end, b.end) - Math.min(a.start, b.start);
  return inter / union >= 0.5;
}

export function evaluate(inspector: Inspector, samples: Sample[], labelledTypes: Set<string>): Report {
  const stats = new Map<string, { gold: number; found: number; tpGold: number; tpFound: number }>();
  const st = (t: string) => { let s = stats.get(t); if (!s) stats.set(t, (s = { gold: 0, found: 0, tpGold: 0, tpFound: 0 })); return s; };
  for (const t of labelledTypes) st(t);
  let leaked = 0, goldChars = 0;
  const t0 = performance.now();
  const results: Finding[][] = samples.map((s) => inspector.inspect(s.text));
  const ms = performance.now() - t0;
  samples.forEach((s, k) => {
    const findings = results[k]!;
    for (const g of s.spans) {
      const x = st(g.type);
      x.gold++;
      if (findings.some((f) => f.type === g.type && spanMatch(f, g))) x.tpGold++;
      const covered = new Uint8Array(g.end - g.start);
      for (const f of findings) for (let i = Math.max(f.start, g.start); i < Math.min(f.end, g.end); i++) covered[i - g.start] = 1;
      goldChars += covered.length;
      leaked += covered.length - covered.reduce((a, b) => a + b, 0);
    }
    for (const f of findings) {
      if (!labelledTypes.has(f.type)) continue;
      const x = st(f.type);
      x.found++;
      if (s.spans.some((g) => g.type === f.type && spanMatch(f, g))) x.tpFound++;
    }
  });
  const types = [...stats].map(([type, x]) => ({
    type, gold: x.gold, found: x.found, tp: x.tpGold, fpFindings: x.found - x.tpFound,
    precision: x.found ? x.tpFound / x.found : NaN,
    recall: x.gold ? x.tpGold / x.gold : NaN,
  })).sort((a, b) => a.type.localeCompare(b.type));
  return { samples: samples.length, types, leakedChars: leaked, goldChars, ms, notCovered: {} };
}

/** A policy enabling every built-in type at the schema's default minimum score. */
export function allTypesInspector(minScore = 0.5): Inspector {
  const rules = Object.fromEntries([...builtinTypes()].map((t) => [t, { min_score: minScore }]));
  return compileInspector({ rules, dictionaries: [], patterns: [] });
}

function loadPresidio(): { samples: Sample[]; notCovered: Record<string, number> } | null {
  if (!existsSync(PRESIDIO)) return null;
  const raw = JSON.parse(readFileSync(PRESIDIO, 'utf8')) as Array<{ full_text: string; spans: Array<{ entity_type: string; start_position: number; end_position: number }> }>;
  const notCovered: Record<string, number> = {};
  const samples = raw.map((r) => ({
    text: r.full_text,
    kind: 'presidio',
    spans: r.spans.flatMap((s) => {
      const t = PRESIDIO_MAP[s.entity_type];
      if (!t) { notCovered[s.entity_type] = (notCovered[s.entity_type] ?? 0) + 1; return []; }
      return [{ type: t, start: s.start_position, end: s.end_position }];
    }),
  }));
  return { samples, notCovered };
}

const f3 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(3));

export function table(r: Report): string {
  const lines = ['| type | gold | found | recall | precision |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const t of r.types) lines.push(`| ${t.type} | ${t.gold} | ${t.found} | ${f3(t.recall)} | ${f3(t.precision)} |`);
  lines.push('', `Leaked characters: ${r.leakedChars} of ${r.goldChars} (${((100 * r.leakedChars) / Math.max(1, r.goldChars)).toFixed(2)} %). ` +
    `${r.samples} samples in ${r.ms.toFixed(0)} ms (${(r.ms / r.samples).toFixed(3)} ms/sample).`);
  const nc = Object.entries(r.notCovered);
  if (nc.length) lines.push('', `Not covered (no Veil type): ${nc.map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const inspector = allTypesInspector();
  const detectorIds = BUILTIN_DETECTORS.map((d) => d.id);
  console.log(`Built-in detectors (${detectorIds.length}): ${detectorIds.join(', ') || '(none)'}\n`);
  const p = loadPresidio();
  if (!p) console.log(`presidio-synth-v2.json not found at ${PRESIDIO}; skipping the English set.\n`);
  else {
    const r = evaluate(inspector, p.samples, new Set(Object.values(PRESIDIO_MAP)));
    r.notCovered = p.notCovered;
    console.log('### English: presidio-synth-v2 (1,500 samples)\n\n' + table(r) + '\n');
  }
  const kr = koreanCorpus();
  const labelled = new Set(['KR_RRN', 'PHONE', 'KR_BRN', 'CREDIT_CARD', 'EMAIL']);
  const rk = evaluate(inspector, kr, labelled);
  // Hard negatives: any finding at all on a negative sample's value counts against precision above;
  // also report per negative kind how often something was flagged.
  const negKinds = new Map<string, { n: number; flagged: number }>();
  for (const s of kr) {
    if (!s.kind.startsWith('neg-')) continue;
    const x = negKinds.get(s.kind) ?? { n: 0, flagged: 0 };
    x.n++;
    if (inspector.inspect(s.text).length > 0) x.flagged++; // any type: a SECRET on a git hash counts too
    negKinds.set(s.kind, x);
  }
  console.log('### Korean: bench/korean-corpus.ts (seed 20240601, 2,000 samples)\n\n' + table(rk) + '\n');
  // False positives of labelled types by the kind of sample they occurred in (for detector owners).
  const fpByKind = new Map<string, number>();
  for (const s of kr) {
    for (const f of inspector.inspect(s.text)) {
      if (!labelled.has(f.type) || s.spans.some((g) => g.type === f.type && spanMatch(f, g))) continue;
      const k = `${f.type} on ${s.kind}`;
      fpByKind.set(k, (fpByKind.get(k) ?? 0) + 1);
    }
  }
  if (fpByKind.size) console.log('False positives by sample kind: ' + [...fpByKind].sort().map(([k, v]) => `${k} ${v}`).join(', ') + '.\n');
  console.log('| hard negative | samples | flagged |\n| --- | ---: | ---: |\n' +
    [...negKinds].sort().map(([k, v]) => `| ${k} | ${v.n} | ${v.flagged} |`).join('\n'));
}

export const SECRET_TYPES = new Set(['SECRET', 'PRIVATE_KEY', 'PASSWORD']);

export interface SecretsBreakdown {
  /** Per expected rule (detector id): gold spans, found (by a finding of the gold's type), and how many the rule itself found. */
  rules: Array<{ rule: string; gold: number; found: number; byRule: number; recall: number }>;
  /** Per detector: findings of a labelled type and how many matched a gold span. */
  detectors: Array<{ detector: string; findings: number; tp: number; precision: number }>;
  /** Per hard-negative kind: planted items, items overlapped by any finding, and the detectors that did it. */
  negatives: Array<{ kind: string; n: number; flagged: number; by: string }>;
  /** False positives landing on no planted item (the surrounding context text). */
  contextFp: number;
  /** Recall by context (env, json, …). */
  contexts: Array<{ context: string; gold: number; found: number }>;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** The per-rule and per-negative view of the secrets set; `onMiss` sees each missed gold item or false positive. */
export function secretsBreakdown(
  inspector: Inspector,
  samples: SecretSample[],
  onMiss?: (s: SecretSample, what: string) => void,
): SecretsBreakdown {
  const rules = new Map<string, { gold: number; found: number; byRule: number }>();
  const dets = new Map<string, { findings: number; tp: number }>();
  const negs = new Map<string, { n: number; flagged: number; by: Map<string, number> }>();
  const ctxs = new Map<string, { gold: number; found: number }>();
  let contextFp = 0;
  for (const s of samples) {
    const findings = inspector.inspect(s.text);
    for (const it of s.items) {
      if (it.type && it.rule) {
        const x = rules.get(it.rule) ?? { gold: 0, found: 0, byRule: 0 };
        const c = ctxs.get(s.context) ?? { gold: 0, found: 0 };
        x.gold++; c.gold++;
        const hit = findings.find((f) => f.type === it.type && spanMatch(f, it));
        if (hit) { x.found++; c.found++; }
        else onMiss?.(s, `missed ${it.rule}`);
        if (hit?.detector === it.rule) x.byRule++;
        rules.set(it.rule, x); ctxs.set(s.context, c);
      } else {
        const x = negs.get(it.kind) ?? { n: 0, flagged: 0, by: new Map() };
        x.n++;
        const on = findings.filter((f) => SECRET_TYPES.has(f.type) && overlaps(f, it));
        if (on.length) {
          x.flagged++;
          for (const f of on) x.by.set(f.detector, (x.by.get(f.detector) ?? 0) + 1);
          onMiss?.(s, `flagged ${it.kind} by ${on.map((f) => f.detector).join(',')}`);
        }
        negs.set(it.kind, x);
      }
    }
    for (const f of findings) {
      if (!SECRET_TYPES.has(f.type)) continue;
      const d = dets.get(f.detector) ?? { findings: 0, tp: 0 };
      d.findings++;
      const tp = s.spans.some((g) => g.type === f.type && spanMatch(f, g));
      if (tp) d.tp++;
      else if (!s.items.some((it) => overlaps(f, it))) { contextFp++; onMiss?.(s, `false positive ${f.detector} on context text`); }
      dets.set(f.detector, d);
    }
  }
  return {
    rules: [...rules].sort().map(([rule, x]) => ({ rule, ...x, recall: x.found / x.gold })),
    detectors: [...dets].sort().map(([detector, x]) => ({ detector, ...x, precision: x.tp / x.findings })),
    negatives: [...negs].sort().map(([kind, x]) => ({ kind, n: x.n, flagged: x.flagged, by: [...x.by].map(([d, k]) => `${d} ${k}`).join(', ') })),
    contextFp,
    contexts: [...ctxs].sort().map(([context, x]) => ({ context, ...x })),
  };
}

export function secretsTables(b: SecretsBreakdown): string {
  const out = ['| rule | gold | found | found by this rule | recall |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const x of b.rules) out.push(`| ${x.rule} | ${x.gold} | ${x.found} | ${x.byRule} | ${f3(x.recall)} |`);
  out.push('', '| detector | findings | true | precision |', '| --- | ---: | ---: | ---: |');
  for (const x of b.detectors) out.push(`| ${x.detector} | ${x.findings} | ${x.tp} | ${f3(x.precision)} |`);
  out.push('', '| hard negative | planted | flagged | by |', '| --- | ---: | ---: | --- |');
  for (const x of b.negatives) out.push(`| ${x.kind} | ${x.n} | ${x.flagged} | ${x.by || '–'} |`);
  out.push('', `False positives on the surrounding context text (no planted item): ${b.contextFp}.`, '');
  out.push('| context | gold | found |', '| --- | ---: | ---: |');
  for (const x of b.contexts) out.push(`| ${x.context} | ${x.gold} | ${x.found} |`);
  return out.join('\n');
}

function secretsSection(inspector: Inspector, showMisses: boolean): string {
  const samples = secretsCorpus();
  const r = evaluate(inspector, samples, SECRET_TYPES);
  const b = secretsBreakdown(inspector, samples, showMisses ? (s, what) => console.log(`--- ${what} [${s.context}]\n${s.text}\n`) : undefined);
  return `### Secrets: bench/secrets-corpus.ts (seed 20240615, ${samples.length} samples)\n\n${table(r)}\n\n${secretsTables(b)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--secrets-only')) console.log(secretsSection(allTypesInspector(), process.argv.includes('--misses')));
  else { await main(); console.log('\n' + secretsSection(allTypesInspector(), process.argv.includes('--misses'))); }
}
