/**
 * @module cli/inspect
 * `veil inspect`: runs a policy's detectors over texts and prints the findings. This is the
 * contract external evaluation uses, so its shape is stable (see docs/detectors.md):
 *
 *   stdin  (JSONL): {"id": <any>, "text": "<string>"}
 *   stdout (JSONL): {"id": <same>, "findings": [{"start","end","type","score","detector","action"}]}
 *
 * One output line per non-blank input line, in order. A line that is not valid input yields
 * `{"id": <id or null>, "error": "<reason>"}` and the exit code becomes 1. `--text "..."` inspects a
 * single text (id null) instead of reading stdin. `--policy ID|FILE` picks the policy (default
 * `policies/default.yaml`). Exit codes: 0 ok, 1 some lines invalid, 2 usage or policy error.
 * Node-only (reads files).
 */
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parse as parseYaml } from 'yaml';
import { loadPolicies, type LoadedPolicy } from '../config/policy-load.ts';
import type { Finding } from '../inspect/types.ts';

export interface InspectIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: veil inspect [--policy ID|FILE] [--text "..."]
  Reads JSONL {"id","text"} on stdin; writes JSONL {"id","findings":[{"start","end","type","score","detector","action"}]}.
`;

interface Args { policy: string; text?: string; help: boolean }

function parseArgs(argv: string[]): Args | string {
  const out: Args = { policy: 'policies/default.yaml', help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--policy') {
      const v = value();
      if (v === undefined) return '--policy needs a value';
      out.policy = v;
    } else if (flag === '--text') {
      const v = value();
      if (v === undefined) return '--text needs a value';
      out.text = v;
    } else return `unknown argument '${a}'`;
  }
  return out;
}

const isYaml = (f: string) => f.endsWith('.yaml') || f.endsWith('.yml');

/** A policy file (siblings are loaded too when it `extends` another) or a policy id in `policies/`. */
async function resolvePolicy(ref: string): Promise<LoadedPolicy> {
  const asFile = resolve(ref);
  if (existsSync(asFile)) {
    const text = await readFile(asFile, 'utf8');
    const sources = [{ file: ref, text }];
    const raw: unknown = (() => { try { return parseYaml(text); } catch { return undefined; } })();
    const wantsBase = typeof raw === 'object' && raw !== null && 'extends' in raw;
    if (wantsBase) {
      for (const f of await readdir(dirname(asFile))) {
        if (isYaml(f) && f !== basename(asFile)) sources.push({ file: join(dirname(ref), f), text: await readFile(join(dirname(asFile), f), 'utf8') });
      }
    }
    const loaded = await loadPolicies(sources);
    const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String(raw.id) : '';
    const own = loaded.get(id) ?? [...loaded.values()].find((p) => p.source === text);
    if (!own) throw new Error(`policy file ${ref} did not load`);
    return own;
  }
  if (/^[a-z0-9][a-z0-9_-]*$/.test(ref) && existsSync('policies')) {
    const files = (await readdir('policies')).filter(isYaml);
    const sources = await Promise.all(files.map(async (f) => ({ file: join('policies', f), text: await readFile(join('policies', f), 'utf8') })));
    const p = (await loadPolicies(sources)).get(ref);
    if (p) return p;
  }
  throw new Error(`policy '${ref}' not found (give a YAML file or an id from policies/)`);
}

interface OutFinding { start: number; end: number; type: string; score: number; detector: string; action: string }

function render(policy: LoadedPolicy, findings: Finding[]): OutFinding[] {
  return findings.map((f) => ({
    start: f.start,
    end: f.end,
    type: f.type,
    score: Math.round(f.score * 1000) / 1000,
    detector: f.detector,
    action: policy.doc.rules[f.type]?.action ?? 'allow',
  }));
}

function write(stream: NodeJS.WritableStream, line: string): Promise<void> {
  return new Promise((res) => {
    if (stream.write(line + '\n')) res();
    else stream.once('drain', () => res());
  });
}

/** Runs `veil inspect`; resolves to the process exit code. */
export async function runInspect(argv: string[], io: InspectIO): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') { io.stderr.write(`veil inspect: ${args}\n${USAGE}`); return 2; }
  if (args.help) { io.stdout.write(USAGE); return 0; }

  let policy: LoadedPolicy;
  try {
    policy = await resolvePolicy(args.policy);
  } catch (e) {
    io.stderr.write(`veil inspect: ${e instanceof Error ? e.message : 'policy failed to load'}\n`);
    return 2;
  }

  if (args.text !== undefined) {
    await write(io.stdout, JSON.stringify({ id: null, findings: render(policy, policy.inspector.inspect(args.text)) }));
    return 0;
  }

  let code = 0;
  let lineNo = 0;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let id: unknown = null;
    let out: string;
    try {
      const rec: unknown = JSON.parse(line);
      if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) throw new Error('each line must be a JSON object');
      id = (rec as { id?: unknown }).id ?? null;
      const text = (rec as { text?: unknown }).text;
      if (typeof text !== 'string') throw new Error('"text" must be a string');
      out = JSON.stringify({ id, findings: render(policy, policy.inspector.inspect(text)) });
    } catch (e) {
      // Name the line and the reason only; never echo the text.
      const reason = e instanceof SyntaxError ? 'invalid JSON' : e instanceof Error ? e.message : 'invalid input';
      io.stderr.write(`veil inspect: line ${lineNo}: ${reason}\n`);
      out = JSON.stringify({ id, error: reason });
      code = 1;
    }
    await write(io.stdout, out);
  }
  return code;
}
