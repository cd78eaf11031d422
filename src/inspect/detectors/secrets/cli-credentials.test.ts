import { describe, expect, it } from 'vitest';
import { cliCredentials } from './cli-credentials.ts';
import { ALNUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { SECRET_DETECTORS } from './index.ts';

const r = fakeRandom(77);
const pw = `${r(ALNUM, 12)}!7`;

describe('secret.cli_credentials', () => {
  describe('curl -u / --user', () => {
    it.each([
      [`curl -u alice:${pw} https://api.corp.test`, pw],
      [`curl -s -u 'alice:${pw}' https://api.corp.test`, pw],
      [`curl --user "alice:${pw}" https://api.corp.test`, pw],
      [`curl --user=alice:${pw} https://api.corp.test`, pw],
      [`curl -ualice:${pw} https://api.corp.test`, pw],
      [`curl --user "alice":'${pw}' https://api.corp.test`, pw],
      [`curl -u ":${pw}" https://api.corp.test`, pw],
      [`curl --user kim@corp.test:${pw} https://x.test`, pw],
      [`curl -U proxyuser:${pw} -x proxy:3128 https://x.test`, pw],
      [`curl --proxy-user proxyuser:${pw} https://x.test`, pw],
      [`/usr/bin/curl -u alice:${pw} https://x.test`, pw],
      // Password with spaces and a colon: curl splits at the first colon only.
      [`curl -u "alice:a b:${pw}" https://x.test`, `a b:${pw}`],
      // Continuation lines: the option and the value on later lines of the same command.
      [`curl -k -X POST https://x.test \\\n  -H 'Content-type: text/plain' \\\n  -u developer:${pw}`, pw],
      [`curl -s --user \\\n  "me:${pw}" https://x.test`, pw],
    ])('%s', (text, password) => {
      expect(matchedValues(cliCredentials, text)).toEqual([password]);
    });

    it('reports the password only', () => {
      const text = `curl -u alice:${pw} https://x.test`;
      const [f] = cliCredentials.detect(text, {});
      expect(f).toMatchObject({ type: 'PASSWORD', detector: 'secret.cli_credentials', score: 0.9 });
      expect(text.slice(0, f!.start)).toBe('curl -u alice:');
      expect(text.slice(f!.end)).toBe(' https://x.test');
    });

    it.each([
      'curl -u alice https://x.test',
      'curl --user "kim@corp.test" --mail-from kim@corp.test smtps://smtp.corp.test',
      'curl -u "$USER:$PASS" https://x.test',
      'curl -u "${USER}:${PASSWORD}" https://x.test',
      'curl --user "$1:$2" "$3"',
      'curl -u user:password https://x.test',
      'curl -u username:token https://x.test',
      'curl -u test:test https://x.test',
      'curl -u <user:password> https://x.test',
      'curl --user neo4j:[PASSWORD] http://x.test',
      'curl -u ":" https://x.test',
      'curl -u "alice:" https://x.test',
      'curl -u "$(cat login.txt):$(cat pw.txt)" https://x.test',
      'curl --user "{{ .Values.user }}:{{ .Values.password }}" https://x.test',
      // Not curl: a uid:gid, a user:group, a psql user.
      'docker run -u 1000:1000 alpine id',
      'docker exec --user root:root web sh',
      'curl https://x.test && docker run -u 1000:1000 alpine',
      'psql -U admin:x -h db',
      'sudo -u postgres:admin psql',
    ])('ignores %s', (text) => {
      expect(matchedValues(cliCredentials, text)).toEqual([]);
    });
  });

  describe('password options and their commands', () => {
    it.each([
      [`mysql -uroot -p${pw} shop`, pw],
      [`mysqldump -u root -p'${pw} x' shop > dump.sql`, `${pw} x`],
      [`mariadb -h db -p"${pw}"`, pw],
      [`sshpass -p ${pw} ssh deploy@host`, pw],
      [`sshpass -p${pw} scp f deploy@host:`, pw],
      [`docker login -u bot -p ${pw} registry.corp.test`, pw],
      [`helm registry login registry.corp.test --username bot --password ${pw}`, pw],
      [`redis-cli -h cache -a ${pw} PING`, pw],
      [`redis-cli --pass ${pw} PING`, pw],
      [`vault login -method=userpass username=me --password ${pw}`, pw],
      [`smbclient //srv/share --db-password '${pw}'`, pw],
      [`gpg --batch --passphrase ${pw} -c secrets.tar`, pw],
      [`tool --password "hunter"`, 'hunter'],
      [`tool --pass=${pw}`, pw],
      [`openssl enc -aes-256-cbc -pass pass:${pw} -in f -out f.enc`, pw],
      [`openssl pkcs12 -export -passout pass:${pw} -out k.p12`, pw],
    ])('%s', (text, password) => {
      expect(matchedValues(cliCredentials, text)).toEqual([password]);
    });

    it.each([
      'mysql -u root -p shop',
      'mysql --password shop',
      'psql --password -h db',
      'psql -U me --password mydb',
      'pg_dump --password mydb',
      'ssh -p 2222 me@host',
      'psql -p 5432 -h db',
      'mkdir -p /tmp/x',
      'docker run -p 8080:80 nginx',
      'docker login -u bot --password-stdin registry.corp.test',
      'ansible-playbook --ask-pass site.yml',
      'ansible-playbook --ask-become-pass site.yml',
      'psql --no-password -h db',
      'Pass the --password flag to be prompted.',
      'use --password and --user options',
      'tool --password --verbose',
      'tool --password $DB_PASS',
      'tool --password "${DB_PASS}"',
      'tool --password ****',
      'tool --password <redacted>',
      'tool --password [PASSWORD]',
      'tool --password changeme',
      'tool --password "$(vault read -field=pw secret/db)"',
      'openssl enc -pass env:PASSWORD -in f',
      'openssl enc -pass file:pw.txt -in f',
      'git commit -a -m "redis fix"',
      'ls -a ~/.redis',
      'sshpass -f pwfile ssh deploy@host',
    ])('ignores %s', (text) => {
      expect(matchedValues(cliCredentials, text)).toEqual([]);
    });
  });

  describe('environment variables the tools read', () => {
    it.each([
      [`PGPASSWORD=${pw} psql -h db -U app`, pw],
      [`export PGPASSWORD='${pw}'`, pw],
      [`SSHPASS="${pw}" sshpass -e ssh host`, pw],
      [`REDISCLI_AUTH=${pw} redis-cli PING`, pw],
      [`docker run -e PGPASSWORD=${pw} postgres`, pw],
      [`  PGPASSWORD: "${pw}"`, pw],
      [`{"PGPASSWORD": "${pw}", "PGHOST": "db"}`, pw],
      [`$env:PGPASSWORD = "${pw}"`, pw],
    ])('%s', (text, password) => {
      expect(matchedValues(cliCredentials, text)).toEqual([password]);
    });

    it.each([
      'echo $PGPASSWORD',
      'PGPASSWORD=$DB_PASS psql',
      'PGPASSWORD="$(cat ~/.pgpass)" psql',
      'PGPASSWORD= psql',
      'MY_PGPASSWORD_FILE=/run/secrets/pg',
      'PGPASSWORD=******** psql',
      'Set PGPASSWORD before running psql.',
    ])('ignores %s', (text) => {
      expect(matchedValues(cliCredentials, text)).toEqual([]);
    });
  });

  it('leaves --password=X to secret.password_assignment: found once, by one detector', () => {
    const text = `mysql --password=${pw} shop`;
    const findings = SECRET_DETECTORS.flatMap((d) => d.detect(text, {}).map((f) => ({ ...f, value: text.slice(f.start, f.end) })));
    expect(findings.map((f) => [f.detector, f.value])).toEqual([['secret.password_assignment', pw]]);
  });

  it('finds several credentials on one line, each once', () => {
    const text = `curl -u a:${pw}x https://x.test; sshpass -p ${pw}y ssh h; mysql -p${pw}z db`;
    expect(matchedValues(cliCredentials, text)).toEqual([`${pw}x`, `${pw}y`, `${pw}z`]);
  });

  it('is linear on many options in one long command', () => {
    for (const unit of [`-u a:${pw} `, '-p x ', '--password ', 'curl -u ', 'PGPASSWORD=', '-pass pass:', '"', "-u '"]) {
      const text = `curl sshpass mysql docker login redis-cli ${unit.repeat(Math.ceil((1 << 20) / unit.length))}`;
      const t0 = performance.now();
      cliCredentials.detect(text, {});
      expect(performance.now() - t0, unit).toBeLessThan(2000);
    }
  });
});
