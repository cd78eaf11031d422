import { describe, expect, it } from 'vitest';
import { dbUrl } from './db-url.ts';
import { ALNUM, fakeRandom, matchedValues } from './fake-secrets.ts';

const r = fakeRandom(20);
const pw = r(ALNUM, 14);

describe('secret.db_url', () => {
  it.each([
    `postgres://app:${pw}@db.internal:5432/orders`,
    `postgresql://app:${pw}@10.0.0.5/orders?sslmode=require`,
    `mysql://root:${pw}@localhost:3306/shop`,
    `mongodb+srv://admin:${pw}@cluster0.ab1cd.mongodb.net/test?retryWrites=true&w=majority`,
    `redis://:${pw}@cache:6379/0`,
    `amqp://guest:${pw}@rabbit:5672/vhost`,
    `jdbc:postgresql://u:${pw}@h/db`,
    `postgres+asyncpg://u:p%40${pw}@h/db`,
  ])('covers the whole URL %s', (url) => {
    expect(matchedValues(dbUrl, `DATABASE_URL=${url}`)).toEqual([url]);
    expect(matchedValues(dbUrl, `"url": "${url}",`)).toEqual([url]);
  });

  it('stops before sentence punctuation and brackets', () => {
    const url = `postgres://app:${pw}@db:5432/app`;
    expect(matchedValues(dbUrl, `connect to ${url}.`)).toEqual([url]);
    expect(matchedValues(dbUrl, `(see ${url})`)).toEqual([url]);
  });

  it.each([
    'postgres://localhost:5432/app',
    'postgres://app@localhost/app',
    'postgres://app:${DB_PASSWORD}@db/app',
    'mysql://user:<password>@host/db',
    'mongodb://user:****@host/db',
    'redis://:password@localhost:6379',
    'https://user:pass@example.com',
  ])('ignores %s', (text) => {
    expect(matchedValues(dbUrl, text)).toEqual([]);
  });
});
