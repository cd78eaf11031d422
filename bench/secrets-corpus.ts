/**
 * @module bench/secrets-corpus
 * A seeded generator of labelled text for measuring the secret detectors (SECRET, PRIVATE_KEY,
 * PASSWORD): `.env` files, JSON and YAML config, shell history, Python/JS/Go source, log lines,
 * chat prose, stack traces and Korean prose, with planted credentials of every secret rule and
 * the hard negatives that look like them (placeholders, AWS documentation keys, UUIDs, git and
 * SHA-256 digests, base64 images, npm integrity hashes, public keys, certificates, URLs without
 * passwords or with placeholder ones, command lines without a password, the word "password" in
 * prose, long low-entropy identifiers).
 *
 * Every value is generated from the seed (nothing is copied from the unit tests), with the
 * lengths and alphabets of the real formats. Gold spans follow each detector's documented span
 * rule: the token for vendor keys and JWTs, BEGIN through END for PEM/PGP blocks (through the
 * end of the body when END is missing), the whole URL for database URLs, and the value only for
 * passwords (also in other URLs' userinfo and on command lines), AWS secrets and generic
 * keyword-named secrets. Spans are recorded as the text is
 * built. Each planted item (positive or negative) is recorded with its kind, so false positives
 * can be attributed to the negative they landed on.
 */
import { rng, type LabelledSpan, type Sample } from './korean-corpus.ts';

/** One planted value: a gold span (type and expected rule) or a hard negative (type null). */
export interface PlantedItem { kind: string; start: number; end: number; type: string | null; rule: string | null }
export interface SecretSample extends Sample { context: string; items: PlantedItem[] }

type R = () => number;
const int = (r: R, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: R, xs: ArrayLike<T>): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: R, p: number) => r() < p;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGIT = '0123456789';
const ALNUM = UPPER + LOWER + DIGIT;
const URLSAFE = ALNUM + '-_';
const B64 = ALNUM + '+/';
const HEXC = '0123456789abcdef';
const str = (r: R, alphabet: string, n: number) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
};
/** A random string guaranteed to hold a digit, an upper- and a lower-case letter (as real keys do at these lengths). */
const mixed = (r: R, alphabet: string, n: number) => {
  for (;;) {
    const s = str(r, alphabet, n);
    if (/\d/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s)) return s;
  }
};
const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// ---------------------------------------------------------------------------------------------
// Items: what gets planted. `named` items need a label (rendered per context); `token` items can
// also stand bare in prose; `block` items are multi-line; `text` items carry their own framing.

type Form = 'named' | 'token' | 'block' | 'text';
interface Item {
  kind: string;
  gold: { type: string; rule: string } | null;
  form: Form;
  /** Label words, e.g. ['openai', 'api', 'key'] → OPENAI_API_KEY / openai_api_key / openaiApiKey. */
  name: string[];
  value: string;
  /** `text` items: framing around the value (the value is the attributed span). */
  pre?: string;
  post?: string;
  /** Never quote (code references such as `process.env.X`). */
  raw?: boolean;
  /** The value may not stand unquoted (contains spaces or characters that end a bare value). */
  quoted?: boolean;
  /** block items: a paste cut off before its END line. */
  truncated?: boolean;
}

const pos = (type: string, rule: string, form: Form, name: string[], value: string, extra: Partial<Item> = {}): Item =>
  ({ kind: rule.replace(/^secret\./, ''), gold: { type, rule }, form, name, value, ...extra });
const neg = (kind: string, form: Form, name: string[], value: string, extra: Partial<Item> = {}): Item =>
  ({ kind, gold: null, form, name, value, ...extra });

const SECRET = 'SECRET';

function openai(r: R): Item {
  const scope = pick(r, ['proj', 'proj', 'svcacct', 'admin']);
  const value = chance(r, 0.8)
    ? `sk-${scope}-${mixed(r, URLSAFE, int(r, 58, 74))}T3BlbkFJ${mixed(r, URLSAFE, int(r, 58, 74))}`
    : `sk-${scope}-${mixed(r, URLSAFE, int(r, 100, 156))}`;
  return pos(SECRET, 'secret.openai', 'token', ['openai', 'api', 'key'], value);
}
function anthropic(r: R): Item {
  return pos(SECRET, 'secret.anthropic', 'token', ['anthropic', 'api', 'key'], `sk-ant-api03-${mixed(r, URLSAFE, 93)}AA`);
}
const AWS_ID_ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function awsKeyId(r: R): Item {
  return pos(SECRET, 'secret.aws_access_key', 'token', ['aws', 'access', 'key', 'id'], pick(r, ['AKIA', 'AKIA', 'ASIA']) + str(r, AWS_ID_ALPHA, 16));
}
function awsSecret(r: R): Item {
  return pos(SECRET, 'secret.aws_secret', 'named', pick(r, [['aws', 'secret', 'access', 'key'], ['aws', 'secret', 'key'], ['secret', 'access', 'key']]), mixed(r, B64, 40));
}
function github(r: R): Item {
  const v = chance(r, 0.35)
    ? `github_pat_11${str(r, UPPER + DIGIT, 20)}_${mixed(r, ALNUM, 59)}`
    : `${pick(r, ['ghp', 'ghp', 'gho', 'ghs'])}_${mixed(r, ALNUM, 36)}`;
  return pos(SECRET, 'secret.github', 'token', ['github', 'token'], v);
}
function slack(r: R): Item {
  const f = int(r, 0, 2);
  const v = f === 0
    ? `xoxb-${str(r, DIGIT, 12)}-${str(r, DIGIT, 13)}-${mixed(r, ALNUM, 24)}`
    : f === 1
      ? `xoxp-${str(r, DIGIT, 12)}-${str(r, DIGIT, 12)}-${str(r, DIGIT, 13)}-${str(r, HEXC, 32)}`
      : `https://hooks.slack.com/services/T${str(r, UPPER + DIGIT, 8)}/B${str(r, UPPER + DIGIT, 10)}/${mixed(r, ALNUM, 24)}`;
  return pos(SECRET, 'secret.slack', 'token', f === 2 ? ['slack', 'webhook', 'url'] : ['slack', 'bot', 'token'], v);
}
function stripe(r: R): Item {
  const v = `${pick(r, ['sk', 'sk', 'rk'])}_live_${chance(r, 0.6) ? '51' + mixed(r, ALNUM, 97) : mixed(r, ALNUM, 24)}`;
  return pos(SECRET, 'secret.stripe', 'token', ['stripe', 'secret', 'key'], v);
}
function google(r: R): Item {
  return pos(SECRET, 'secret.google_api', 'token', ['google', 'api', 'key'], 'AIza' + mixed(r, URLSAFE, 35));
}
function jwt(r: R): Item {
  const alg = pick(r, ['HS256', 'RS256', 'ES256']);
  const header = chance(r, 0.5) ? `{"alg":"${alg}","typ":"JWT"}` : `{"typ":"JWT","alg":"${alg}","kid":"${str(r, HEXC, 16)}"}`;
  const iat = int(r, 1_600_000_000, 1_750_000_000);
  const payload = `{"sub":"${int(r, 1000, 999999)}","email":"user${int(r, 1, 999)}@corp.test","iat":${iat},"exp":${iat + 3600}}`;
  const sigLen = alg === 'HS256' ? 43 : alg === 'ES256' ? 86 : 342;
  return pos(SECRET, 'secret.jwt', 'token', ['access', 'token'], `${b64url(header)}.${b64url(payload)}.${str(r, URLSAFE, sigLen)}`);
}
const DB_SCHEMES = ['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp', 'mariadb'];
const HOSTS = ['db.internal', 'prod-db-1.cluster-c9x.ap-northeast-2.rds.amazonaws.com', 'localhost', '10.0.3.17', 'cache.prod.svc', 'mq.corp.test'];
function dbPassword(r: R): string {
  // URL userinfo: unreserved characters plus percent-encoded specials.
  let p = mixed(r, ALNUM, int(r, 10, 22));
  if (chance(r, 0.4)) p = p.slice(0, 5) + pick(r, ['%40', '%23', '%21', '-', '_', '.', '~']) + p.slice(5);
  return p;
}
function dbUrl(r: R): Item {
  const scheme = pick(r, DB_SCHEMES);
  const user = scheme === 'redis' && chance(r, 0.5) ? '' : pick(r, ['app', 'admin', 'root', 'svc_orders', 'postgres']);
  const host = pick(r, HOSTS);
  const port = { postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306, 'mongodb+srv': 0, redis: 6379, amqp: 5672 }[scheme] ?? 0;
  const path = scheme === 'redis' ? `/${int(r, 0, 3)}` : scheme === 'amqp' ? '/vhost' : `/${pick(r, ['orders', 'app', 'analytics'])}${chance(r, 0.3) ? '?sslmode=require' : ''}`;
  const v = `${scheme}://${user}:${dbPassword(r)}@${host}${port ? ':' + port : ''}${path}`;
  return pos(SECRET, 'secret.db_url', 'token', ['database', 'url'], v);
}

/** Realistic passwords: random printable, word+digits+symbol, passphrases, PINs. */
function passwordValue(r: R, bare: boolean): string {
  const sym = bare ? '!@#%^*-_+=?~' : '!@#$%^&*-_+=?~.,;:()[]{}<>/|';
  const words = ['Tiger', 'Blue', 'Falcon', 'Sunny', 'river', 'Maple', 'orange', 'Kimchi', 'Seoul', 'winter', 'Rocket'];
  const f = int(r, 0, 9);
  let v: string;
  if (f <= 3) v = pick(r, ALNUM) + str(r, ALNUM + sym, int(r, 9, 20)) + pick(r, ALNUM);
  else if (f <= 6) v = `${pick(r, words)}${pick(r, words)}${int(r, 1, 9999)}${pick(r, sym)}`;
  else if (f === 7) v = [pick(r, words), pick(r, words), pick(r, words), String(int(r, 10, 99))].join('-').toLowerCase();
  else if (f === 8) v = `${str(r, LOWER, int(r, 4, 7))}${int(r, 100, 99999)}`;
  else v = `${pick(r, words)}${pick(r, ['@', '#', '!'])}${int(r, 2019, 2025)}`;
  return v;
}
const PASSWORD_NAMES = [['password'], ['db', 'password'], ['admin', 'password'], ['passwd'], ['smtp', 'password'], ['pwd'], ['db', 'pass'], ['mail', 'pass']];
function password(r: R): Item {
  return pos('PASSWORD', 'secret.password_assignment', 'named', pick(r, PASSWORD_NAMES), '', { quoted: false });
}
const URL_SCHEMES = ['https', 'https', 'http', 'ftp', 'sftp', 'smtp', 'smtps', 'ldap', 'git+https'];
const URL_HOSTS = ['git.corp.test', 'ftp.corp.test', 'smtp.corp.test:587', 'proxy.corp.test:3128', '10.0.4.21', 'artifacts.corp.test'];
/** A password in another scheme's URL userinfo (database schemes are `dbUrl`'s): value-only gold. */
function urlCredentials(r: R): Item {
  const scheme = pick(r, URL_SCHEMES);
  const user = pick(r, ['deploy', 'svc-ci', 'alice', 'mailer', 'oauth2', 'kim%40corp.test']);
  const post = `@${pick(r, URL_HOSTS)}${pick(r, ['', '/', '/org/app.git', '/incoming/', '/v1/health'])}`;
  const pre = `${pick(r, ['', 'git clone ', 'proxy = ', 'remote: ', 'MAIL_URL=', '접속 주소: '])}${scheme}://${user}:`;
  return pos('PASSWORD', 'secret.url_credentials', 'text', [], dbPassword(r), { pre, post });
}
/** A password on a command line: curl `-u`, mysql `-p`, sshpass, `PGPASSWORD=`, `--password X`, … */
function cliCredentials(r: R): Item {
  const v = passwordValue(r, true);
  const [pre, post] = pick(r, [
    ['curl -s -u deploy:', ' https://api.corp.test/v1/items'],
    ["curl --user 'alice:", "' https://artifacts.corp.test/upload"],
    ['mysql -h db.internal -u root -p', ' orders'],
    ['mysqldump -uroot -p', ' shop > shop.sql'],
    ['sshpass -p ', ' ssh deploy@10.0.4.21'],
    ['PGPASSWORD=', ' psql -h db.internal -U app orders'],
    ["export PGPASSWORD='", "'"],
    ['docker login -u ci -p ', ' registry.corp.test'],
    ['redis-cli -h cache.prod.svc -a ', ' INFO'],
    ['vault login -method=userpass username=kim --password ', ''],
  ] as const);
  return pos('PASSWORD', 'secret.cli_credentials', 'text', [], v, { pre, post });
}
const GENERIC_NAMES = [
  ['api', 'key'], ['x', 'api', 'key'], ['access', 'token'], ['auth', 'token'], ['client', 'secret'], ['secret', 'key'],
  ['service', 'token'], ['webhook', 'secret'], ['signing', 'secret'], ['refresh', 'token'], ['session', 'secret'],
  ['encryption', 'key'], ['private', 'token'], ['app', 'secret'],
];
function genericValue(r: R): { value: string; quoted: boolean } {
  const f = int(r, 0, 6);
  if (f === 0) return { value: mixed(r, ALNUM, 32), quoted: false };
  if (f === 1) return { value: str(r, HEXC, pick(r, [32, 40, 64])), quoted: false };
  if (f === 2) return { value: btoa(String.fromCharCode(...Array.from({ length: 32 }, () => int(r, 0, 255)))), quoted: false };
  if (f === 3) return { value: mixed(r, URLSAFE, 43), quoted: false };
  if (f === 4) return { value: 'GOCSPX-' + mixed(r, URLSAFE, 28), quoted: false };
  if (f === 5) return { value: `${pick(r, ['live', 'prod', 'tok'])}_${mixed(r, ALNUM, 40)}`, quoted: false };
  // Django-style secret keys use punctuation a bare value would stop at; they appear quoted.
  return { value: 'django-insecure-' + str(r, LOWER + DIGIT + '!@#$%^&*(-_=+)', 50), quoted: true };
}
function generic(r: R): Item {
  const { value, quoted } = genericValue(r);
  return pos(SECRET, 'secret.generic', 'named', pick(r, GENERIC_NAMES), value, { quoted });
}
function bearer(r: R): Item {
  // A bearer token in a header is a credential whatever its vendor.
  const v = mixed(r, URLSAFE, int(r, 32, 64));
  return pos(SECRET, 'secret.generic', 'text', [], v, { pre: pick(r, ['Authorization: Bearer ', 'authorization: Bearer ', 'Authorization: token ']) });
}

function pemBody(r: R, prefix: string, bytes: number, width: number): string[] {
  const total = prefix + str(r, B64, Math.ceil((bytes * 4) / 3) - prefix.length);
  const padded = total + '='.repeat((4 - (total.length % 4)) % 4);
  const lines: string[] = [];
  for (let i = 0; i < padded.length; i += width) lines.push(padded.slice(i, i + width));
  return lines;
}
function privateKey(r: R): Item {
  const kind = pick(r, ['RSA', 'EC', 'OPENSSH', 'ENCRYPTED', 'PKCS8', 'PGP', 'RSA-LEGACY-ENC']);
  let lines: string[];
  if (kind === 'PGP') {
    lines = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', ...pemBody(r, 'lQOYBGX', 900, 64), '=' + str(r, B64, 4), '-----END PGP PRIVATE KEY BLOCK-----'];
  } else if (kind === 'RSA-LEGACY-ENC') {
    lines = ['-----BEGIN RSA PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-128-CBC,${str(r, '0123456789ABCDEF', 32)}`, '', ...pemBody(r, 'MIIEpQIBAAKCAQEA', 1190, 64), '-----END RSA PRIVATE KEY-----'];
  } else {
    const label = kind === 'PKCS8' ? 'PRIVATE KEY' : `${kind} PRIVATE KEY`;
    const [prefix, bytes, width] = {
      RSA: ['MIIEowIBAAKCAQEA', 1190, 64], EC: ['MHcCAQEEI', 121, 64], OPENSSH: ['b3BlbnNzaC1rZXktdjEAAAAA', 400, 70],
      ENCRYPTED: ['MIIFHDBOBgkqhkiG9w0BBQ0wQTAp', 1310, 64], PKCS8: ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 1210, 64],
    }[kind as 'RSA'] as [string, number, number];
    lines = [`-----BEGIN ${label}-----`, ...pemBody(r, prefix, bytes, width), `-----END ${label}-----`];
  }
  // A paste cut off before the END line: the body is still key material.
  const truncated = kind !== 'PGP' && chance(r, 0.1);
  if (truncated) lines = lines.slice(0, Math.max(3, lines.length - int(r, 2, 5)));
  return pos('PRIVATE_KEY', 'secret.private_key', 'block', ['private', 'key'], lines.join('\n'), { truncated });
}

// Hard negatives ------------------------------------------------------------------------------

const SECRETISH_NAMES = [...GENERIC_NAMES, ['openai', 'api', 'key'], ['github', 'token'], ['stripe', 'secret', 'key'], ['password'], ['db', 'password']];
function placeholder(r: R): Item {
  const name = pick(r, SECRETISH_NAMES);
  const upper = name.join('_').toUpperCase();
  const v = pick(r, [
    '********', '****************', '<redacted>', '[REDACTED]', '${' + upper + '}', '${' + upper + ':-}', '$' + upper,
    '{{ secret }}', '{{ .Values.' + name.join('') + ' }}', '{{ secrets.' + upper + ' }}', 'your-api-key-here', 'sk-...',
    '<your-api-key>', 'xxxxxxxxxxxxxxxxxxxxxxxx', 'changeme', 'YOUR_TOKEN_HERE', 'sk-proj-...', '%' + upper + '%',
  ]);
  return neg('neg-placeholder', 'named', name, v, { quoted: /\s/.test(v) });
}
function codeReference(r: R): Item {
  const name = pick(r, SECRETISH_NAMES);
  const upper = name.join('_').toUpperCase();
  const v = pick(r, [`os.environ["${upper}"]`, `os.environ.get("${upper}")`, `os.getenv("${upper}")`, `process.env.${upper}`, `process.env["${upper}"]`, `os.Getenv("${upper}")`]);
  return neg('neg-code-reference', 'named', name, v, { raw: true });
}
function maskedVendor(r: R): Item {
  // How vendors echo a key back in errors and dashboards: prefix, a run of stars, last four.
  const v = pick(r, [
    `sk-proj-${'*'.repeat(int(r, 20, 150))}${mixed(r, ALNUM, 4)}`, `sk-ant-api03-${'*'.repeat(12)}${mixed(r, ALNUM, 4)}`,
    `ghp_${'*'.repeat(36)}`, `AKIA${'*'.repeat(16)}`, `xoxb-${'*'.repeat(20)}`, `sk_live_${'*'.repeat(20)}${mixed(r, ALNUM, 4)}`,
  ]);
  return neg('neg-masked-key', 'text', [], v, { pre: pick(r, ['Incorrect API key provided: ', 'Using key ', 'key: ', '키: ']), post: pick(r, ['.', '', ' (revoked)']) });
}
function awsExample(r: R): Item {
  const [name, v] = pick(r, [
    [['aws', 'access', 'key', 'id'], 'AKIAIOSFODNN7EXAMPLE'], [['aws', 'access', 'key', 'id'], 'AKIAI44QH8DHBEXAMPLE'],
    [['aws', 'secret', 'access', 'key'], 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'], [['aws', 'secret', 'access', 'key'], 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
  ] as const);
  return neg('neg-aws-example', 'named', [...name], v);
}
const uuid = (r: R) => `${str(r, HEXC, 8)}-${str(r, HEXC, 4)}-4${str(r, HEXC, 3)}-${pick(r, ['8', '9', 'a', 'b'])}${str(r, HEXC, 3)}-${str(r, HEXC, 12)}`;
function uuidNeg(r: R): Item {
  return chance(r, 0.5)
    ? neg('neg-uuid', 'named', pick(r, [['request', 'id'], ['trace', 'id'], ['client', 'id'], ['tenant', 'id'], ['api', 'key', 'id']]), uuid(r))
    : neg('neg-uuid', 'text', [], uuid(r), { pre: pick(r, ['X-Request-Id: ', 'req=', 'order ', 'session started: ', 'correlation_id=']) });
}
function gitSha(r: R): Item {
  const v = str(r, HEXC, 40);
  return chance(r, 0.3)
    ? neg('neg-git-sha', 'named', pick(r, [['sha'], ['commit'], ['head', 'sha'], ['git', 'commit']]), v)
    : neg('neg-git-sha', 'text', [], v, { pre: pick(r, ['commit ', 'git revert ', 'git checkout ', 'Merge commit ', 'fixed in ', '커밋 ']), post: pick(r, ['', ' (HEAD -> main)', '에서 수정됨']) });
}
function sha256(r: R): Item {
  const v = str(r, HEXC, 64);
  return pick(r, [
    () => neg('neg-sha256', 'text', [], v, { post: `  ${pick(r, ['node-v20.20.2-linux-x64.tar.xz', 'release.zip', 'model.gguf'])}` }),
    () => neg('neg-sha256', 'text', [], v, { pre: 'image: registry.corp.test/api@sha256:' }),
    () => neg('neg-sha256', 'named', pick(r, [['checksum'], ['sha256'], ['digest'], ['file', 'hash']]), v),
    () => neg('neg-sha256', 'text', [], v, { pre: 'SHA256 (release.tar.gz) = ' }),
  ])();
}
function base64Image(r: R): Item {
  const v = 'iVBORw0KGgoAAAANSUhEUgAA' + str(r, B64, int(r, 200, 1200)) + pick(r, ['', '=', '==']);
  return neg('neg-base64-image', 'text', [], v, { pre: pick(r, ['data:image/png;base64,', '![chart](data:image/png;base64,', '<img src="data:image/png;base64,', '"image_url": "data:image/png;base64,']), post: pick(r, ['', ')', '">', '"']) });
}
function npmIntegrity(r: R): Item {
  const v = 'sha512-' + str(r, B64, 86) + '==';
  return chance(r, 0.6) ? neg('neg-npm-integrity', 'named', ['integrity'], v) : neg('neg-npm-integrity', 'text', [], v, { pre: '  integrity ' });
}
function publicKey(r: R): Item {
  const f = int(r, 0, 4);
  if (f === 0) return neg('neg-public-key', 'text', [], 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ' + str(r, B64, 500) + ` ${pick(r, ['deploy', 'kim', 'ci'])}@${pick(r, ['laptop', 'build-01', 'mac.local'])}`);
  if (f === 1) return neg('neg-public-key', 'text', [], 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' + str(r, B64, 43) + ' user@host');
  if (f === 2) return neg('neg-public-key', 'block', [], ['-----BEGIN PUBLIC KEY-----', ...pemBody(r, 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 294, 64), '-----END PUBLIC KEY-----'].join('\n'));
  if (f === 3) return neg('neg-public-key', 'block', [], ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', ...pemBody(r, 'mQINBGX', 700, 64), '=' + str(r, B64, 4), '-----END PGP PUBLIC KEY BLOCK-----'].join('\n'));
  return neg('neg-public-key', 'named', pick(r, [['public', 'key'], ['publishable', 'key'], ['stripe', 'publishable', 'key']]), f === 4 && chance(r, 0.5) ? 'pk_live_' + mixed(r, ALNUM, 24) : 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + str(r, B64, 84));
}
function certificate(r: R): Item {
  return neg('neg-certificate', 'block', ['tls', 'cert'], ['-----BEGIN CERTIFICATE-----', ...pemBody(r, 'MIIDdzCCAl+gAwIBAgIE', 890, 64), '-----END CERTIFICATE-----'].join('\n'));
}
function urlNoPassword(r: R): Item {
  const v = pick(r, [
    `postgres://app@${pick(r, HOSTS)}:5432/orders`, `redis://${pick(r, HOSTS)}:6379/0`, `mongodb://db1.corp.test:27017,db2.corp.test:27017/app?replicaSet=rs0`,
    `https://api.corp.test:8443/v1/items?page=${int(r, 1, 9)}&sort=desc`, `https://git@github.com/corp/app.git`, `mysql://root@localhost/test`,
    `https://user@example.org/path`, `amqp://${pick(r, HOSTS)}:5672/`, `http://10.0.0.${int(r, 1, 254)}:9200/_cat/indices`,
  ]);
  return chance(r, 0.5) ? neg('neg-url', 'named', pick(r, [['database', 'url'], ['redis', 'url'], ['endpoint'], ['base', 'url']]), v) : neg('neg-url', 'text', [], v, { pre: pick(r, ['connecting to ', 'curl ', 'see ', '접속 주소: ']) });
}
function cliNoPassword(r: R): Item {
  const v = pick(r, [
    'curl -u deploy https://api.corp.test/v1/items', 'mysql -h db.internal -u root -p orders', 'ssh -p 2222 deploy@10.0.4.21',
    'docker run -u 1000:1000 --rm alpine id', 'psql -U app -p 5432 -h db.internal --password orders', 'curl -u "$API_USER:$API_PASS" https://api.corp.test',
    'PGPASSWORD=$PGPASS psql -h db.internal', 'docker login -u ci --password-stdin registry.corp.test', 'ansible-playbook -i hosts --ask-pass site.yml',
    'mysql --password orders', 'sshpass -f ~/.pw ssh deploy@host', 'redis-cli -a "$REDIS_PASSWORD" PING', 'Pass the --password flag to be prompted.',
  ]);
  return neg('neg-cli', 'text', [], v);
}
function urlPlaceholder(r: R): Item {
  const v = pick(r, [
    'https://user:password@example.com/path', 'ftp://anonymous:guest@ftp.corp.test/pub', 'https://user:${GIT_TOKEN}@git.corp.test/app.git',
    'https://alice:****@git.corp.test/app.git', 'smtp://mailer:<password>@smtp.corp.test:587', 'https://admin:admin@router.local/',
  ]);
  return chance(r, 0.5) ? neg('neg-url-placeholder', 'named', pick(r, [['remote', 'url'], ['proxy', 'url'], ['smtp', 'url']]), v) : neg('neg-url-placeholder', 'text', [], v, { pre: pick(r, ['see ', 'e.g. ', '예: ']) });
}
function passwordProse(r: R): Item {
  const v = pick(r, [
    'Please reset your password using the link below.', 'Forgot password? Click here to reset it.', 'The password is incorrect, try again.',
    'Your password must be at least 12 characters long.', 'password reset link expires in 24 hours', 'Password: must contain one digit and one symbol',
    'We never ask for your password by e-mail.', '비밀번호를 잊으셨나요?', '비밀번호는 8자 이상이어야 합니다.', '비밀번호 변경 후 다시 로그인하세요.',
    '암호화 키를 교체했습니다.', 'password hashing uses bcrypt with cost 12', 'passwordless login is enabled for this tenant',
    'The password field is required.', '비번 바꿨어요, 다시 접속해 보세요.',
  ]);
  return neg('neg-password-prose', 'text', [], v);
}
function lowEntropy(r: R): Item {
  const [name, v] = pick(r, [
    [['api', 'key'], 'a'.repeat(int(r, 20, 40))], [['secret', 'key'], 'MyVeryLongVariableName'], [['access', 'token'], 'ThisIsMyAccessTokenName'],
    [['auth', 'token'], 'abcdefghijklmnopqrstuvwxyz'], [['api', 'key'], '1234567890123456789012345'], [['secret', 'name'], 'my-app-database-credentials'],
    [['token', 'type'], 'Bearer'], [['tokenizer'], 'cl100k_base'], [['api', 'key'], 'get_api_key_from_vault()'], [['access', 'log'], '/var/log/nginx/access.log'],
    [['client', 'secret', 'setting'], 'CLIENT_SECRET_FROM_ENVIRONMENT'], [['auth', 'backend'], 'django.contrib.auth.backends.ModelBackend'],
  ] as const);
  return neg('neg-low-entropy', 'named', [...name], v, { raw: v.endsWith(')') });
}

const POSITIVES: Array<[number, (r: R) => Item]> = [
  [3, openai], [2, anthropic], [2, awsKeyId], [2, awsSecret], [3, github], [2, slack], [2, stripe], [2, google], [3, jwt],
  [3, privateKey], [3, dbUrl], [5, password], [4, generic], [1, bearer], [2, urlCredentials], [2, cliCredentials],
];
const NEGATIVES: Array<[number, (r: R) => Item]> = [
  [4, placeholder], [2, codeReference], [2, maskedVendor], [2, awsExample], [2, uuidNeg], [2, gitSha], [2, sha256], [1, base64Image],
  [1, npmIntegrity], [2, publicKey], [1, certificate], [2, urlNoPassword], [2, passwordProse], [2, lowEntropy], [2, cliNoPassword],
  [1, urlPlaceholder],
];
const weighted = <T>(r: R, xs: Array<[number, T]>): T => {
  let t = r() * xs.reduce((a, [w]) => a + w, 0);
  for (const [w, x] of xs) if ((t -= w) < 0) return x;
  return xs[xs.length - 1]![1];
};

// ---------------------------------------------------------------------------------------------
// Contexts: how a labelled value is written, what surrounds it.

const CONTEXTS = ['env', 'json', 'yaml', 'shell', 'python', 'js', 'go', 'log', 'chat', 'stack', 'korean'] as const;
type Ctx = (typeof CONTEXTS)[number];

const upperSnake = (n: string[]) => n.join('_').toUpperCase();
const snake = (n: string[]) => n.join('_');
const camel = (n: string[]) => n.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');

/** A line under construction; `mark` records where the planted value sits. */
class Line {
  text = '';
  start = -1;
  end = -1;
  lit(s: string): this { this.text += s; return this; }
  val(s: string): this { this.start = this.text.length; this.text += s; this.end = this.text.length; return this; }
}

const FILLER: Record<Ctx, string[]> = {
  env: ['# production settings', 'NODE_ENV=production', 'PORT=8080', 'LOG_LEVEL=info', 'TZ=Asia/Seoul'],
  json: ['  "region": "ap-northeast-2",', '  "timeout_ms": 30000,', '  "retries": 3,', '  "debug": false,'],
  yaml: ['service:', '  name: orders-api', '  replicas: 3', 'logging:', '  level: info'],
  shell: ['cd ~/work/orders-api', 'git pull --rebase', 'npm run build', 'docker compose up -d', 'ls -la'],
  python: ['import os', 'import requests', 'from openai import OpenAI', 'TIMEOUT = 30', 'def main():'],
  js: ["import express from 'express';", 'const app = express();', "app.listen(3000, () => console.log('up'));", 'export default app;'],
  go: ['package main', 'import "net/http"', 'func main() {', '\thttp.ListenAndServe(":8080", nil)', '}'],
  log: ['2024-05-02T09:14:03.112Z INFO  server started on :8080', '2024-05-02T09:14:05.401Z WARN  retrying request attempt=2', '2024-05-02T09:14:07.988Z DEBUG cache hit ratio=0.93'],
  chat: ['Hi team,', 'Quick question about the deploy.', 'Thanks in advance!', 'It worked yesterday, not sure what changed.'],
  stack: ['Traceback (most recent call last):', '  File "/srv/app/main.py", line 88, in handler', '    resp = client.send(req)', '  File "/usr/lib/python3.11/site-packages/httpx/_client.py", line 915, in send'],
  korean: ['안녕하세요.', '확인 부탁드립니다.', '배포 후에 에러가 납니다.', '감사합니다.'],
};

/** Write `item` (a named or token item) as an assignment in context `c`. */
function assignment(r: R, c: Ctx, item: Item, value: string): Line {
  const L = new Line();
  const n = item.name;
  const bareOk = !item.quoted && !/\s/.test(value);
  const q = item.raw ? '' : bareOk ? pick(r, ['', '"', "'"]) : pick(r, ['"', "'"]);
  const qq = item.raw ? '' : '"';
  switch (c) {
    case 'env': return L.lit(`${chance(r, 0.2) ? 'export ' : ''}${upperSnake(n)}=${q}`).val(value).lit(q);
    case 'json': return L.lit(`  "${chance(r, 0.5) ? snake(n) : camel(n)}": ${qq}`).val(value).lit(`${qq},`);
    case 'yaml': return L.lit(`  ${snake(n)}: ${q}`).val(value).lit(q);
    case 'shell': return L.lit(`export ${upperSnake(n)}=${q || (bareOk ? '' : "'")}`).val(value).lit(q || (bareOk ? '' : "'"));
    case 'python': return L.lit(`${chance(r, 0.5) ? snake(n) : upperSnake(n)} = ${qq}`).val(value).lit(qq);
    case 'js': return chance(r, 0.5) ? L.lit(`const ${camel(n)} = ${item.raw ? '' : "'"}`).val(value).lit(`${item.raw ? '' : "'"};`) : L.lit(`  ${camel(n)}: ${qq}`).val(value).lit(`${qq},`);
    case 'go': return L.lit(`\t${camel(n)} := ${item.raw ? '' : '"'}`).val(value).lit(item.raw ? '' : '"');
    case 'log': return L.lit(`2024-05-02T09:14:0${int(r, 0, 9)}.${int(r, 100, 999)}Z DEBUG loaded config ${snake(n)}=${bareOk || item.raw ? '' : '"'}`).val(value).lit(`${bareOk || item.raw ? '' : '"'} env=prod`);
    case 'chat':
      if (item.gold?.type === 'PASSWORD' && !item.quoted && chance(r, 0.5)) return L.lit(`my ${n.join(' ')} is `).val(value).lit(pick(r, ['', ' — is that too weak?', '. can you check?']));
      return L.lit(`I set ${snake(n)}=${bareOk || item.raw ? '' : '"'}`).val(value).lit(`${bareOk || item.raw ? '' : '"'} but it still fails`);
    case 'stack': return L.lit(`    ${snake(n)} = ${qq}`).val(value).lit(qq);
    case 'korean': {
      if (item.gold?.type === 'PASSWORD' || n.includes('password')) {
        const label = pick(r, ['비밀번호', '패스워드', '비번', '암호', 'DB 비밀번호']);
        // The topic particle follows the label's last syllable: 비번은, 비밀번호는.
        if (bareOk && !item.raw && chance(r, 0.5)) return L.lit(`${label}${label.endsWith('번') ? '은' : '는'} `).val(value).lit(pick(r, ['입니다.', ' 입니다.', '이에요', '']));
        return L.lit(`${label}: ${bareOk ? '' : '"'}`).val(value).lit(bareOk ? '' : '"');
      }
      return L.lit(`설정 파일에 ${snake(n)}=${bareOk || item.raw ? '' : '"'}`).val(value).lit(`${bareOk || item.raw ? '' : '"'} 넣었는데 안 됩니다.`);
    }
  }
}

/** A token standing bare in running text. */
function bare(r: R, c: Ctx, value: string): Line {
  const L = new Line();
  switch (c) {
    case 'shell': return pick(r, [
      () => L.lit('curl -s https://api.corp.test/v1/models -H "Authorization: Bearer ').val(value).lit('"'),
      () => L.lit('echo ').val(value).lit(' | pbcopy'),
    ])();
    case 'log': return L.lit(`2024-05-02T09:14:11.${int(r, 100, 999)}Z ERROR auth failed for credential `).val(value).lit(pick(r, ['', ' status=401']));
    case 'stack': return L.lit(`AuthenticationError: invalid credential `).val(value).lit('');
    case 'korean': return pick(r, [
      () => L.lit('키는 ').val(value).lit('입니다.'),
      () => L.lit('토큰 ').val(value).lit(' 로 호출하면 401이 나요.'),
      () => L.lit('이 값 ').val(value).lit('을 넣었어요'),
    ])();
    default: return pick(r, [
      () => L.lit("here's my key ").val(value).lit(' — why do I get a 401?'),
      () => L.lit('I accidentally pasted ').val(value).lit(' in the channel, should I rotate it?'),
      () => L.lit('using ').val(value).lit('.'),
    ])();
  }
}

/** A multi-line block (PEM/PGP) written as a chat paste, a quoted env value, an escaped JSON string or a YAML block scalar. */
function block(r: R, c: Ctx, item: Item): Line {
  const L = new Line();
  const v = item.value;
  const name = item.name.length ? item.name : ['public', 'key'];
  const mode = c === 'json' ? 'json' : c === 'yaml' ? 'yaml' : c === 'env' ? 'env' : 'raw';
  if (mode === 'json') return L.lit(`  "${snake(name)}": "`).val(v.replace(/\n/g, '\\n')).lit('\\n",');
  if (mode === 'yaml') return L.lit(`  ${snake(name)}: |\n    `).val(v.replace(/\n/g, '\n    ')).lit('');
  if (mode === 'env') return L.lit(`${upperSnake(name)}="`).val(v).lit('"');
  return L.lit(pick(r, ['here is the key file:\n', '```\n', '키 파일 내용입니다:\n', ''])).val(v).lit(pick(r, ['\n```', '', '\nthanks']));
}

function render(r: R, c: Ctx, item: Item): { line: Line; ctx: Ctx } {
  if (item.form === 'block') return { line: block(r, c, item), ctx: c };
  if (item.form === 'text') return { line: new Line().lit(item.pre ?? '').val(item.value).lit(item.post ?? ''), ctx: c };
  let value = item.value;
  if (item.gold?.type === 'PASSWORD') {
    const bareCtx = c === 'chat' || c === 'korean' || c === 'log' || chance(r, 0.4);
    value = passwordValue(r, bareCtx);
    item = { ...item, quoted: !bareCtx };
  }
  if (item.form === 'token' && ['shell', 'log', 'chat', 'stack', 'korean'].includes(c) && chance(r, 0.6)) return { line: bare(r, c, value), ctx: c };
  // Code references only make sense in source code.
  if (item.raw && !['python', 'js', 'go', 'stack'].includes(c)) c = pick(r, ['python', 'js', 'go'] as const);
  return { line: assignment(r, c, item, value), ctx: c };
}

/**
 * `count` labelled samples from `seed`: each a short document in one context with one to three
 * planted items, each item a positive (gold span) or a hard negative with its kind.
 * The same arguments always give the same corpus.
 */
export function secretsCorpus(seed = 20240615, count = 1500): SecretSample[] {
  const r = rng(seed);
  const out: SecretSample[] = [];
  for (let k = 0; k < count; k++) {
    let ctx: Ctx = pick(r, CONTEXTS);
    const n = int(r, 1, 3);
    const lines: Array<{ text: string; item?: Item; start?: number; end?: number }> = [];
    for (let i = 0; i < int(r, 0, 2); i++) lines.push({ text: pick(r, FILLER[ctx]) });
    for (let i = 0; i < n; i++) {
      const item = weighted(r, chance(r, 0.55) ? POSITIVES : NEGATIVES)(r);
      // An access key id usually travels with its secret: plant both in the same file.
      const items = item.kind === 'aws_access_key' && chance(r, 0.5) ? [item, awsSecret(r)] : [item];
      for (const it of items) {
        const { line, ctx: used } = render(r, ctx, it);
        lines.push({ text: line.text, item: { ...it, value: line.text.slice(line.start, line.end) }, start: line.start, end: line.end });
        ctx = used;
      }
      if (chance(r, 0.5)) lines.push({ text: pick(r, FILLER[ctx]) });
    }
    let text = '';
    const items: PlantedItem[] = [];
    const spans: LabelledSpan[] = [];
    for (const l of lines) {
      if (text) text += '\n';
      if (l.item && l.start !== undefined && l.end !== undefined) {
        // A truncated block's value already ends at its last body character (the gold end).
        const start = text.length + l.start;
        const end = text.length + l.end;
        if (l.item.gold) spans.push({ type: l.item.gold.type, start, end });
        items.push({ kind: l.item.kind, start, end, type: l.item.gold?.type ?? null, rule: l.item.gold?.rule ?? null });
      }
      text += l.text;
    }
    const kinds = items.map((i) => i.kind);
    out.push({ text, spans, kind: kinds.join('+'), context: ctx, items });
  }
  return out;
}
