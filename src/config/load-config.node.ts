/**
 * @module config/load-config.node
 * Reads the server config once at start: YAML file (`--config` or `VEIL_CONFIG`), then environment
 * overrides, then the schema's defaults. Errors name the file and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PROVIDERS, GatewayConfig } from './config-schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function loadConfig(opts: { file?: string; env?: Env } = {}): GatewayConfig {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.VEIL_CONFIG;
  let raw: Record<string, unknown> = {};
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`Config file not found: ${file}`);
    try {
      raw = (parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>) ?? {};
    } catch (e) {
      throw new ConfigError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  raw = applyEnv(raw, env);
  const r = GatewayConfig.safeParse(raw);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${file ?? 'environment'}: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(msgs.join('\n'));
  }
  const cfg = r.data;
  if (cfg.local_only) {
    if (!cfg.local.model_path) throw new ConfigError(`${file ?? 'config'}: local_only needs a local model: set VEIL_LOCAL_MODEL or local.model_path`);
    cfg.providers = [];
    cfg.models = [{ id: '*', provider: 'local' }];
    return cfg;
  }
  const providerIds = new Set([...cfg.providers.map((p) => p.id), 'local']);
  // The built-in model list follows the providers a config keeps; a model list written by hand must be right.
  if (raw.models === undefined) cfg.models = cfg.models.filter((m) => providerIds.has(m.provider));
  for (const m of cfg.models) {
    if (!providerIds.has(m.provider)) throw new ConfigError(`${file ?? 'config'}: models: '${m.id}' names unknown provider '${m.provider}'`);
  }
  return cfg;
}

function applyEnv(raw: Record<string, unknown>, env: Env): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  const num = (name: string) => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new ConfigError(`environment: ${name} must be an integer`);
    return n;
  };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('port', num('PORT'));
  set('host', env.VEIL_HOST);
  set('db', env.VEIL_DB);
  set('policies', env.VEIL_POLICIES);
  set('secret', env.VEIL_SECRET);
  if (env.VEIL_LOCAL_ONLY === '1' || env.VEIL_LOCAL_ONLY === 'true') out.local_only = true;
  set('upstream_timeout_ms', num('VEIL_UPSTREAM_TIMEOUT_MS'));
  set('max_body_bytes', num('VEIL_MAX_BODY_BYTES'));
  set('upstream_max_bytes', num('VEIL_UPSTREAM_MAX_BYTES'));
  set('upstream_stream_max_bytes', num('VEIL_UPSTREAM_STREAM_MAX_BYTES'));
  if (env.VEIL_LOCAL_MODEL) out.local = { ...(raw.local as object | undefined), model_path: env.VEIL_LOCAL_MODEL };
  if (env.VEIL_LOCAL_CHAT_WRAPPER) out.local = { ...(out.local as object | undefined), chat_wrapper: env.VEIL_LOCAL_CHAT_WRAPPER };
  if (env.VEIL_LOCAL_THREADS) out.local = { ...(out.local as object | undefined), threads: num('VEIL_LOCAL_THREADS') };
  if (env.VEIL_RATE_LIMIT_STORE) out.limits = { ...(raw.limits as object | undefined), rate_limit_store: env.VEIL_RATE_LIMIT_STORE };
  if (env.VEIL_LOCAL_STREAM_MIN_GAP_MS) out.local = { ...(out.local as object | undefined), stream_min_gap_ms: num('VEIL_LOCAL_STREAM_MIN_GAP_MS') };
  const vendor = (id: 'openai' | 'anthropic', baseUrl: string | undefined, apiKey: string | undefined) => {
    if (!baseUrl && !apiKey) return;
    const providers: Record<string, unknown>[] = Array.isArray(out.providers) ? [...(out.providers as Record<string, unknown>[])] : DEFAULT_PROVIDERS.map((p) => ({ ...p }));
    let i = providers.findIndex((p) => (p.id ?? 'openai') === id);
    if (i < 0) i = providers.push({ id, kind: id }) - 1;
    providers[i] = { ...providers[i], ...(baseUrl ? { base_url: baseUrl } : {}), ...(apiKey ? { api_key: apiKey } : {}) };
    out.providers = providers;
  };
  vendor('openai', env.OPENAI_BASE_URL, env.OPENAI_API_KEY);
  vendor('anthropic', anthropicBaseUrl(env.ANTHROPIC_BASE_URL), env.ANTHROPIC_API_KEY);
  return out;
}

/**
 * `ANTHROPIC_BASE_URL` follows the Anthropic SDKs' convention (no `/v1`: the SDK appends
 * `/v1/messages`); provider base URLs include the version segment, so add it when missing.
 */
function anthropicBaseUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const trimmed = v.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}
