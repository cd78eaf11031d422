/**
 * @module config/config-schema
 * The gateway's server configuration: one zod schema, types inferred from it. Parsed once at the
 * entry (Node: YAML file + env overrides in `config/load-config.node.ts`; Workers: bindings) and
 * handed to `createApp` as typed data — the core never reads the environment itself.
 */
import * as z from 'zod';

/** Default caps on an upstream answer: non-streamed (read whole into memory) and streamed (relayed). */
export const DEFAULT_UPSTREAM_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_UPSTREAM_STREAM_MAX_BYTES = 64 * 1024 * 1024;

export const RemoteProviderConfig = z
  .object({
    /** Provider id used in routing and the audit log. */
    id: z.string().default('openai'),
    /** Wire format: `openai` serves chat, responses and embeddings clients; `anthropic` serves /v1/messages. */
    kind: z.enum(['openai', 'anthropic']).default('openai'),
    /** Including the version segment: `https://api.openai.com/v1`, `https://api.anthropic.com/v1`. */
    base_url: z.string().url().default('https://api.openai.com/v1'),
    /** Upstream key. Never returned to a client, never logged. */
    api_key: z.string().default(''),
  })
  .strict();

export type RemoteProviderConfig = z.infer<typeof RemoteProviderConfig>;

/** Both vendors out of the box; each needs its key (OPENAI_API_KEY, ANTHROPIC_API_KEY). */
export const DEFAULT_PROVIDERS: RemoteProviderConfig[] = [
  { id: 'openai', kind: 'openai', base_url: 'https://api.openai.com/v1', api_key: '' },
  { id: 'anthropic', kind: 'anthropic', base_url: 'https://api.anthropic.com/v1', api_key: '' },
];

/**
 * A model alias. The client's name stays as it is; the entry says where it goes remotely. Any
 * alias is answered by the local model when policy decides `local`; `provider: local` always is.
 */
export const ModelConfig = z
  .object({
    /** Name a client asks for. A trailing `*` makes it a prefix pattern (not listed in /v1/models). */
    id: z.string().min(1),
    /** A configured provider id, or `local` (always answered by the local model). */
    provider: z.string().default('openai'),
    /** Upstream model name if it differs from `id`. */
    upstream: z.string().optional(),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelConfig>;

export const LocalConfig = z
  .object({
    /** GGUF file. Without it, requests the policy sends local get 503 — never a remote fallback. */
    model_path: z.string().optional(),
    id: z.string().optional(),
    /** llama.cpp threads. 1 on a 2-core box: the library default of 4 is ~1000× slower there. */
    threads: z.number().int().min(1).default(1),
    context_size: z.number().int().min(256).default(2048),
    /** Concurrent generations (context sequences). */
    sequences: z.number().int().min(1).default(2),
    /** Requests waiting for a sequence; beyond this → 503 with Retry-After. */
    max_queue: z.number().int().min(0).default(16),
    max_tokens: z.number().int().min(1).default(256),
    /**
     * Prompt format. `auto` uses the model's own template; `plain` joins messages as text, for base
     * models without a chat template (like the tiny test model).
     */
    chat_wrapper: z.enum(['auto', 'chatml', 'general', 'llama2', 'plain']).default('auto'),
    /**
     * Least ms between two deliveries of streamed local text to the client; 0 sends every token at
     * once. Tokens arriving within the gap are joined into one event (the first token and the end
     * are never held; held text leaves with the first token after the gap, or two gaps after the
     * last event if the model stalls). Only a model faster than one token per gap
     * is ever affected; each event saved is CPU the gateway does not take from the model. The
     * default stays under the ~10 ms per token of the fastest real models, so only tiny models are
     * paced (bench/local-through-gateway.ts --gaps=0,8).
     */
    stream_min_gap_ms: z.number().int().min(0).max(1000).default(8),
  })
  .strict();

export const GatewayConfig = z
  .object({
    port: z.number().int().min(0).max(65535).default(8787),
    host: z.string().default('127.0.0.1'),
    db: z.string().default('./data/veil.db'),
    policies: z.string().default('./policies'),
    /** Policy used for keys bound to none. */
    default_policy: z.string().default('default'),
    /** Largest request body accepted, bytes. */
    max_body_bytes: z.number().int().min(1024).default(4 * 1024 * 1024),
    /** Time to wait for upstream response headers, and between streamed chunks. */
    upstream_timeout_ms: z.number().int().min(1).default(60_000),
    /** Largest non-streamed upstream answer read, bytes; beyond it the client gets a 502. */
    upstream_max_bytes: z.number().int().min(1024).default(DEFAULT_UPSTREAM_MAX_BYTES),
    /**
     * Most bytes relayed from one streamed upstream answer; beyond it the upstream is cancelled and
     * the stream ends with the dialect's in-stream error. Idle timeouts alone never end a stream
     * that keeps sending.
     */
    upstream_stream_max_bytes: z.number().int().min(1024).default(DEFAULT_UPSTREAM_STREAM_MAX_BYTES),
    /** HMAC secret for stable placeholders. Set VEIL_SECRET in production; the Node entry persists one otherwise. */
    secret: z.string().optional(),
    providers: z.array(RemoteProviderConfig).default(DEFAULT_PROVIDERS),
    models: z
      .array(ModelConfig)
      .default([
        { id: 'gpt-4o', provider: 'openai' },
        { id: 'gpt-4o-mini', provider: 'openai' },
        { id: 'gpt-4.1', provider: 'openai' },
        { id: 'gpt-4.1-mini', provider: 'openai' },
        { id: 'gpt-4.1-nano', provider: 'openai' },
        { id: 'o4-mini', provider: 'openai' },
        { id: 'gpt-*', provider: 'openai' },
        { id: 'text-embedding-3-small', provider: 'openai' },
        { id: 'text-embedding-3-large', provider: 'openai' },
        { id: 'claude-sonnet-4-5', provider: 'anthropic' },
        { id: 'claude-haiku-4-5', provider: 'anthropic' },
        { id: 'claude-opus-4-1', provider: 'anthropic' },
        { id: 'claude-*', provider: 'anthropic' },
      ]),
    local: LocalConfig.default(LocalConfig.parse({})),
    limits: z
      .object({
        /**
         * Where per-key rate limits (`rate_limit_rpm`) are counted. `database` (default): in the
         * gateway's SQLite file / D1, so a key's limit holds across every Node process on one file,
         * every Workers isolate, and restarts; one small write per request of a limited key only.
         * `memory`: per process (per isolate on Workers), no writes; exact only for one Node process.
         */
        rate_limit_store: z.enum(['memory', 'database']).default('database'),
      })
      .strict()
      .default({ rate_limit_store: 'database' }),
    /**
     * Local model server mode: every model name is answered by the local model and no remote
     * provider is configured. This is the on-premises end a Workers deployment's private endpoint
     * reaches through a tunnel (docs/workers.md); policy, audit and keys still apply.
     */
    local_only: z.boolean().default(false),
  })
  .strict();
export type GatewayConfig = z.infer<typeof GatewayConfig>;

/** The limits `createApp` takes, from the config: one mapping, so the Node and Workers entries cannot drift. */
export function limitsOf(cfg: GatewayConfig): { maxBodyBytes: number; upstreamTimeoutMs: number; maxUpstreamBytes: number; maxUpstreamStreamBytes: number } {
  return {
    maxBodyBytes: cfg.max_body_bytes,
    upstreamTimeoutMs: cfg.upstream_timeout_ms,
    maxUpstreamBytes: cfg.upstream_max_bytes,
    maxUpstreamStreamBytes: cfg.upstream_stream_max_bytes,
  };
}
