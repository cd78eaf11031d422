/**
 * @module route/route
 * Decision + requested model → where the request goes. A `local` decision never falls back to a
 * remote provider: without a local model it is a 503 that says how to configure one.
 *
 * Model entries are aliases: a client keeps its model name (`claude-*`, `gpt-*`) and the entry
 * says where it goes remotely (`provider` + `upstream`); a `local` decision sends any name to the
 * local model, and `provider: local` sends a name there always. A dialect only reaches remote
 * providers speaking its wire format (`kind`); the local model serves every dialect.
 */
import type { Action } from '../config/policy-schema.ts';
import type { ModelConfig } from '../config/config-schema.ts';
import type { LocalModel } from '../providers/types.ts';
import type { ProviderKind, RemoteProvider } from '../providers/remote.ts';
import { VeilError } from '../util/errors.ts';

export type Target =
  | { route: 'remote'; provider: RemoteProvider; upstreamModel: string }
  | { route: 'local'; model: LocalModel };

export interface RouteTable {
  models: readonly ModelConfig[];
  providers: ReadonlyMap<string, RemoteProvider>;
  local: LocalModel | null;
  localId: string | null;
}

/** Which configured model a name refers to; `*` suffix entries match by prefix. Null if none. */
export function findModel(name: string, models: readonly ModelConfig[]): ModelConfig | null {
  return (
    models.find((m) => m.id === name) ??
    models.find((m) => m.id.endsWith('*') && name.startsWith(m.id.slice(0, -1))) ??
    null
  );
}

/** Provider id of model entries that are always answered by the local model. */
export const LOCAL_PROVIDER = 'local';

/** The model entries a client of `kind` can name: its own kind's providers, and local aliases. */
function modelsFor(kind: ProviderKind, table: RouteTable): readonly ModelConfig[] {
  return table.models.filter((m) => m.provider === LOCAL_PROVIDER || (table.providers.get(m.provider)?.kind ?? 'openai') === kind);
}

/** Checked before inspection so that a bad model name fails fast and nothing is forwarded. */
export function checkModel(name: string, table: RouteTable, kind: ProviderKind = 'openai'): void {
  if (name === table.localId) return;
  if (!findModel(name, modelsFor(kind, table))) {
    throw new VeilError('model_not_found', `The model '${name.slice(0, 100)}' is not offered by this gateway. GET /v1/models lists the models you can use.`);
  }
}

export function route(action: Exclude<Action, 'block'>, modelName: string, table: RouteTable, kind: ProviderKind = 'openai'): Target {
  const m = findModel(modelName, modelsFor(kind, table));
  if (action === 'local' || modelName === table.localId || m?.provider === LOCAL_PROVIDER) {
    if (!table.local) {
      throw new VeilError(
        'local_model_unavailable',
        action === 'local'
          ? 'This request contains data that policy keeps on-premises, but no local model is configured. Set VEIL_LOCAL_MODEL (or local.model_path in the config) to a GGUF file. The request was not sent to any remote provider.'
          : 'No local model is configured. Set VEIL_LOCAL_MODEL to a GGUF file.',
      );
    }
    return { route: 'local', model: table.local };
  }
  if (!m) throw new VeilError('model_not_found', `The model '${modelName.slice(0, 100)}' is not offered by this gateway.`);
  const provider = table.providers.get(m.provider);
  if (!provider) throw new VeilError('internal_error', `Model '${m.id}' names provider '${m.provider}', which is not configured.`);
  return { route: 'remote', provider, upstreamModel: m.upstream ?? modelName };
}
