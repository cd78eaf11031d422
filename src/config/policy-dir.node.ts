/**
 * @module config/policy-dir.node
 * Loads every `*.yaml` / `*.yml` file of the policies directory. All or nothing: one bad file and
 * the gateway refuses to start, with every error named by file, line and field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPolicies, PolicyLoadError, type LoadedPolicy } from './policy-load.ts';

export async function loadPolicyDir(dir: string): Promise<Map<string, LoadedPolicy>> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new PolicyLoadError([{ file: dir, line: null, field: '', message: 'policies directory not found' }]);
  }
  if (files.length === 0) throw new PolicyLoadError([{ file: dir, line: null, field: '', message: 'no policy files (*.yaml) found' }]);
  return loadPolicies(files.map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') })));
}

export async function loadPolicyFile(path: string): Promise<LoadedPolicy> {
  const map = await loadPolicies([{ file: path, text: readFileSync(path, 'utf8') }]);
  return [...map.values()][0]!;
}
