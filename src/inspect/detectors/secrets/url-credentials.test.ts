import { describe, expect, it } from 'vitest';
import { dbUrl } from './db-url.ts';
import { ALNUM, fakeRandom, matchedValues } from './fake-secrets.ts';
import { isValueReference, urlCredentials } from './url-credentials.ts';

const r = fakeRandom(41);
const pw = r(ALNUM, 16);

describe('secret.url_credentials', () => {
  it.each([
    [`https://alice:${pw}@git.corp.test/org/repo.git`, pw],
    [`http://svc:${pw}@10.0.0.7:8080/health`, pw],
    [`ftp://backup:${pw}@ftp.corp.test/incoming/`, pw],
    [`sftp://deploy:${pw}@files.corp.test`, pw],
    [`smtp://mailer:${pw}@smtp.corp.test:587`, pw],
    [`smtps://mailer:${pw}@smtp.corp.test`, pw],
    [`ldap://cn=admin:${pw}@ldap.corp.test`, pw],
    [`git+https://bot:${pw}@git.corp.test/x.git`, pw],
    [`s3://AKIAEXAMPLEID:${pw}@bucket/key`, pw],
    [`https://oauth2:glpat-${pw}@gitlab.corp.test/g/p.git`, `glpat-${pw}`],
    [`https://:${pw}@api.corp.test`, pw],
    [`https://u:${pw}@[2001:db8::1]:8443/`, pw],
    // Percent-encoded and unescaped `@` (browsers split at the last `@`).
    [`smtp://mailer:Zq8%40${pw}@smtp.corp.test`, `Zq8%40${pw}`],
    [`ftp://bob:p@ss${pw}@ftp.corp.test/x`, `p@ss${pw}`],
  ])('finds the password of %s', (url, password) => {
    expect(matchedValues(urlCredentials, url)).toEqual([password]);
    expect(matchedValues(urlCredentials, `PROXY_URL="${url}"`)).toEqual([password]);
    expect(matchedValues(urlCredentials, `clone it from ${url} please`)).toEqual([password]);
  });

  it('reports the password only, with the user and host left readable', () => {
    const text = `remote = https://alice:${pw}@git.corp.test/repo`;
    const [f] = urlCredentials.detect(text, {});
    expect(f).toMatchObject({ type: 'PASSWORD', detector: 'secret.url_credentials', score: 0.9 });
    expect(text.slice(0, f!.start)).toBe('remote = https://alice:');
    expect(text.slice(f!.end)).toBe('@git.corp.test/repo');
  });

  it('stops at the end of the authority: path, query, quotes, brackets, markup', () => {
    expect(matchedValues(urlCredentials, `[repo](https://u:${pw}@h.test/x)`)).toEqual([pw]);
    expect(matchedValues(urlCredentials, `<a href='https://u:${pw}@h.test'>`)).toEqual([pw]);
    expect(matchedValues(urlCredentials, `{"url":"https://u:${pw}@h.test?x=1"}`)).toEqual([pw]);
    expect(matchedValues(urlCredentials, `a https://u:${pw}@h.test b https://v:${pw}x@k.test`)).toEqual([pw, `${pw}x`]);
  });

  it.each([
    'ssh://git@github.com/org/repo.git',
    'https://user@example.org/path',
    'https://api.corp.test:8443/v1/items',
    'https://host.test:8080/a@b',
    'https://host.test/?q=a:b@c',
    'https://user:@host.test',
    'https://u:pw@ rest of a sentence',
    'https://user:password@example.com',
    'https://user:pass@example.com',
    'https://username:secret@example.com',
    'https://user:changeme@example.com',
    'https://user:****@example.com',
    'https://user:<password>@example.com',
    'https://user:%3Cpassword%3E@example.com',
    'https://user:${PASS}@example.com',
    'https://user:$PASS@example.com',
    'https://%s:%s@%s',
    'https://{user}:{password}@{host}',
    'https://user:$1@host.test',
    'ftp://anonymous:guest.user@ftp.corp.test',
    'amqp://guest:guest@mq.corp.test',
    'https://admin:admin@router.local',
    'mail kim@corp.test: see https://docs.corp.test',
  ])('ignores %s', (text) => {
    expect(matchedValues(urlCredentials, text)).toEqual([]);
  });

  it.each([
    `postgres://app:${pw}@db.internal:5432/orders`,
    `postgresql+asyncpg://app:${pw}@db/app`,
    `jdbc:mysql://root:${pw}@localhost:3306/shop`,
    `mongodb+srv://admin:${pw}@cluster0.mongodb.net/test`,
    `redis://:${pw}@cache:6379/0`,
    `rediss://u:${pw}@cache:6380`,
    `amqp://app:${pw}@rabbit:5672/vhost`,
    `AMQPS://app:${pw}@rabbit/vhost`,
  ])('leaves database URLs to secret.db_url, never the same span twice: %s', (url) => {
    expect(matchedValues(urlCredentials, url)).toEqual([]);
    expect(matchedValues(dbUrl, url)).toEqual([url]);
  });

  it('names references, not values', () => {
    for (const v of ['$1', '$@', '$(cat pw.txt)', '${PASS}', '`cat pw`', '%s', '%v', '{}', '{password}', ':password']) expect(isValueReference(v), v).toBe(true);
    for (const v of [pw, 'p@ss', '%41bc', '$ecret', '{a b}x']) expect(isValueReference(v), v).toBe(false);
  });

  it('is linear on many schemes, colons and at-signs', () => {
    for (const unit of ['https://', 'a://b:c@', 'x://:@', '://@:', `ftp://u:${pw}@h `]) {
      const text = unit.repeat(Math.ceil((1 << 20) / unit.length));
      const t0 = performance.now();
      urlCredentials.detect(text, {});
      expect(performance.now() - t0, unit).toBeLessThan(1500);
    }
  });
});
