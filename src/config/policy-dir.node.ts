/**
 * @module config/policy-dir.node
 * Reads and loads every `*.yaml` / `*.yml` file of the policies directory. All or nothing: one
 * bad file and the gateway refuses to start, with every error named by file, line and field.
 * `readPolicyFiles` is the reading half alone, for the gateway start, which imports the texts
 * into the policy store instead of loading them directly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicies, PolicyLoadError, type LoadedPolicy } from './policy-load.ts';

/** The directory's `*.yaml` / `*.yml` files, sorted by name; refused when it is missing or has none. */
export function readPolicyFiles(dir: string): { file: string; text: string }[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new PolicyLoadError([{ file: dir, line: null, field: '', message: 'policies directory not found' }]);
  }
  if (files.length === 0) throw new PolicyLoadError([{ file: dir, line: null, field: '', message: 'no policy files (*.yaml) found' }]);
  return files.map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

export async function loadPolicyDir(dir: string): Promise<Map<string, LoadedPolicy>> {
  return loadPolicies(readPolicyFiles(dir));
}

export async function loadPolicyFile(path: string): Promise<LoadedPolicy> {
  const map = await loadPolicies([{ file: path, text: readFileSync(path, 'utf8') }]);
  return [...map.values()][0]!;
}
