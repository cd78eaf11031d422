/**
 * @module util/log
 * Structured one-line JSON logs. Callers pass ids, types, counts and codes — never prompt text or
 * matched values; there is deliberately no "log the request body" option anywhere.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLogger(write: (line: string) => void, min: LogLevel = 'info'): Logger {
  return {
    log(level, msg, fields) {
      if (RANK[level] < RANK[min]) return;
      write(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
