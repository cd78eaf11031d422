/**
 * @module cli/main
 * `veil` command line: `start`, `keys`, `audit`, `inspect`. Each subcommand owns its flags and
 * `--help`; this file only dispatches and turns startup errors into one clear message.
 */
import { loadConfig } from '../config/load-config.node.ts';
import { gatewaySecret } from '../config/secret.node.ts';

const USAGE = `veil — privacy gateway for LLM traffic

Usage: veil <command> [options]

Commands:
  start                 run the gateway (config: --config FILE or VEIL_CONFIG; env overrides)
  keys create|list|revoke   manage gateway keys
  audit verify|tail|export  read and check the audit log
  policy list|export    versioned policies in the database; export to YAML
  admin create-key      personal admin API / console key (role admin or auditor)
  inspect               run the detectors over JSONL on stdin (or --text)

Run 'veil <command> --help' for a command's options.`;

const START_HELP = `veil start [--config FILE] [--local-only]

  --local-only   local model server mode: every model name is answered by the local model,
                 no remote provider is configured (the on-premises end of a Workers deployment)

Starts the gateway. Settings come from the YAML config file, then the environment:
  PORT (8787)  VEIL_HOST (127.0.0.1)  VEIL_DB (./data/veil.db)  VEIL_POLICIES (./policies)
  VEIL_LOCAL_MODEL (GGUF path)  VEIL_LOCAL_THREADS (1)  OPENAI_BASE_URL  OPENAI_API_KEY
  VEIL_SECRET (placeholder HMAC key)  VEIL_UPSTREAM_TIMEOUT_MS (60000)  VEIL_MAX_BODY_BYTES
  VEIL_UPSTREAM_MAX_BYTES (32 MiB)  VEIL_UPSTREAM_STREAM_MAX_BYTES (64 MiB)`;

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const io = { stdout: process.stdout, stderr: process.stderr };
  const configFile = flag(rest, '--config');
  const dbPath = () => loadConfig({ file: configFile }).db;
  switch (cmd) {
    case 'start': {
      if (rest.includes('--help') || rest.includes('-h')) return print(START_HELP);
      const cfg = loadConfig({ file: configFile, env: rest.includes('--local-only') ? { ...process.env, VEIL_LOCAL_ONLY: '1' } : process.env });
      const { startGateway } = await import('../entry/node.ts');
      const gw = await startGateway(cfg, { progress: (l) => process.stderr.write(l + '\n') });
      process.stderr.write(`veil listening on ${gw.url}  (OpenAI base URL: ${gw.url}/v1)\n`);
      const stop = async () => {
        await gw.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return await new Promise<number>(() => {});
    }
    case 'keys': {
      const { runKeys } = await import('./keys.ts');
      return runKeys(rest, { dbPath: rest.includes('--help') ? '' : dbPath(), ...io });
    }
    case 'audit': {
      const { runAudit } = await import('./audit.ts');
      if (rest.includes('--help')) return runAudit(rest, { dbPath: '', ...io });
      // The same secret the gateway signs checkpoints with, so verify checks the signatures too.
      const cfg = loadConfig({ file: configFile });
      return runAudit(rest, { dbPath: cfg.db, auditSecret: gatewaySecret(cfg), ...io });
    }
    case 'policy': {
      const { runPolicy } = await import('./policy.ts');
      return runPolicy(rest, { dbPath: rest.includes('--help') ? '' : dbPath(), ...io });
    }
    case 'admin': {
      const { runAdmin } = await import('./admin.ts');
      return runAdmin(rest, { dbPath: rest.includes('--help') ? '' : dbPath(), ...io });
    }
    case 'inspect': {
      const { runInspect } = await import('./inspect.ts');
      return runInspect(rest, { stdin: process.stdin, ...io });
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      return print(USAGE);
    default:
      process.stderr.write(`veil: unknown command '${cmd}'\n\n${USAGE}\n`);
      return 2;
  }
}

function print(text: string): number {
  process.stdout.write(text + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    // Startup errors (bad policy, bad config, model file) are meant for people: message only.
    process.stderr.write(`veil: ${e.message}\n`);
    process.exitCode = 1;
  },
);
