/**
 * @module bench/lib/cpu-profile-summary
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`) by function: self time and total
 * (inclusive) time, largest first, so a benchmark's hot spots can be read without DevTools.
 *
 * Run: npx tsx bench/lib/cpu-profile-summary.ts FILE.cpuprofile [top=40] [filter]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, filter] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary FILE.cpuprofile [top] [filter]');
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let sum = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  sum += dt;
  const n = byId.get(id);
  if (!n) return;
  self.set(label(n), (self.get(label(n)) ?? 0) + dt);
  // Inclusive: every distinct function on the stack once.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
const pct = (us: number) => ((100 * us) / sum).toFixed(1).padStart(5);
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (profile ${ms(sum)} ms)`);
  [...m]
    .filter(([l]) => !filter || l.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([l, us]) => console.log(`${ms(us)} ms ${pct(us)}%  ${l}`));
};
show('self time', self);
show('total time', total);
