import { describe, expect, it } from 'vitest';
import { matchedValues } from './fake-secrets.ts';
import { passwordAssignment } from './password-assignment.ts';

describe('secret.password_assignment', () => {
  it.each([
    ['password=hunter2!', 'hunter2!'],
    ['passwd: S3cure#Pass', 'S3cure#Pass'],
    ['pwd=Tr0ub4dor&3', 'Tr0ub4dor'],
    ['{"username":"kim","password":"p@ss w0rd!"}', 'p@ss w0rd!'],
    ["db.password = 'x9$Lm2qz'", 'x9$Lm2qz'],
    ['DB_PASSWORD=Qz8!vN3m\nDB_USER=app', 'Qz8!vN3m'],
    ['PASSWORD="kT7#pLw9"', 'kT7#pLw9'],
    ['spring.datasource.password: s3cr3t-Val', 's3cr3t-Val'],
    ['userPassword => "aB3$dE6f"', 'aB3$dE6f'],
    ['my password is hunter2.', 'hunter2'],
    ['비밀번호: qwer1234!', 'qwer1234!'],
    ['비밀번호는 abc123!입니다.', 'abc123!'],
    ['비밀번호는 Sk8er2024 이에요', 'Sk8er2024'],
    ['암호: 7777aaaa', '7777aaaa'],
    ['패스워드 = "한글Pass1"', '한글Pass1'],
    ['https://x.test/login?user=a&password=zX9mQ2&next=/', 'zX9mQ2'],
  ])('finds only the value in %j', (text, value) => {
    expect(matchedValues(passwordAssignment, text)).toEqual([value]);
  });

  it('reports PASSWORD with the value offsets', () => {
    const text = 'login with password: Zq7!mm';
    const [f] = passwordAssignment.detect(text, {});
    expect(f).toMatchObject({ type: 'PASSWORD', detector: 'secret.password_assignment', start: 21, end: 27 });
  });

  it.each([
    'password=********',
    'password: xxxx',
    'password: "<redacted>"',
    'PASSWORD=${DB_PASSWORD}',
    'password = $DB_PASS',
    'password: "{{ secret }}"',
    'password = os.environ["DB_PASSWORD"]',
    'password: process.env.DB_PASSWORD',
    'password = getPassword()',
    'password = config.db.password',
    'password=changeme',
    'password: ""',
    'PASSWORD=',
    'password: string;',
    'password is incorrect',
    'The password is required.',
    '비밀번호는 변경해야 합니다',
    '비밀번호를 잊으셨나요?',
    '암호화 키를 교체했습니다',
    'Forgot your password? Reset it here.',
    '<input type="password" name="password">',
  ])('ignores %j', (text) => {
    expect(matchedValues(passwordAssignment, text)).toEqual([]);
  });
});
