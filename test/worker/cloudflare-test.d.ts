/**
 * @module test/worker/cloudflare-test
 * The slice of `cloudflare:test` these tests use, typed against Veil's structural D1 types so the
 * project needs no Workers type package (tsconfig checks test/ with Node types).
 */
declare module 'cloudflare:test' {
  import type { D1Database } from '../../src/audit/d1.ts';

  interface D1Migration {
    name: string;
    queries: string[];
  }
  interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException(): void;
    props: unknown;
  }

  export const env: Record<string, unknown> & { DB: D1Database; TEST_MIGRATIONS: D1Migration[] };
  export const SELF: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
  export function applyD1Migrations(db: D1Database, migrations: D1Migration[], migrationsTableName?: string): Promise<void>;
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
}
