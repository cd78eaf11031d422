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

describe('secret.password_assignment: cases the secrets bench exposed', () => {
  it.each([
    ['DB_PASS=Qz8!vN3mK2', 'Qz8!vN3mK2'],
    ['export MAIL_PASS="8w]7>9m+0w~1c"', '8w]7>9m+0w~1c'],
    ['smtp.pass: river-seoul-41', 'river-seoul-41'],
    ['\tdbPass := "orange@2025"', 'orange@2025'],
    ['  "mail_pass": "MapleSeoul9146(",', 'MapleSeoul9146('],
    ['https://x.test/login?user=a&pass=zX9mQ2k', 'zX9mQ2k'],
    ['my db pass is Tiger2024! — is that too weak?', 'Tiger2024!'],
    ['smtp_password=qxXIfGQyaLm env=prod', 'qxXIfGQyaLm'],
  ])('finds only the value in %j', (text, value) => {
    expect(matchedValues(passwordAssignment, text)).toEqual([value]);
  });

  it.each([
    'Password: must contain one digit and one symbol',
    '비밀번호는 8자 이상이어야 합니다.',
    'password: 12 characters minimum',
    'PASSWORD=sk-proj-...',
    'Pass: 3 of 5 tests',
    'pass: 12, fail: 0',
    'bypass=true',
    'firstPass = 3',
    'my boarding pass is ready',
    'db_pass is required',
    'compass=north-east-12',
  ])('ignores %j', (text) => {
    expect(matchedValues(passwordAssignment, text)).toEqual([]);
  });
});
