import { checkPassword } from '@kzpki/password-policy';
import { describe, expect, it } from 'vitest';
import { run } from './io.js';

describe('kzpki password check', () => {
  it('exit 0 for a compliant password', async () => {
    expect(await run(['password', 'check', 'Qwerty12'])).toEqual({
      code: 0,
      stdout: 'the password meets the NCA rule\n',
      stderr: '',
    });
  });

  it('exit 1 listing every violation, with the offending characters quoted', async () => {
    const r = await run(['password', 'check', 'пар оль', '--lang', 'ru']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'пароль не соответствует правилам НУЦ:',
        '  - Пароль должен содержать строчную латинскую букву (a-z) [ERR_NO_LOWERCASE_LETTER]',
        '  - Пароль должен содержать цифру (0-9) [ERR_NO_DIGIT]',
        '  - Пробелы и другие пробельные символы не допускаются (символы: " ") [ERR_FORBIDDEN_CHARACTER]',
        '  - Кириллица не допускается: переключите раскладку на латиницу (символы: "п" "а" "р" "о" "л" "ь") [ERR_FORBIDDEN_CHARACTER]',
        '',
      ].join('\n'),
    );
  });

  it('--json prints { ok, violations }', async () => {
    const r = await run(['password', 'check', 'abc', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(checkPassword('abc'));
  });

  it('"-" reads the password from standard input, without the final line break', async () => {
    expect((await run(['password', 'check', '-'], 'Qwerty12\n')).code).toBe(0);
    expect((await run(['password', 'check', '-'], 'Qwerty12\r\n')).code).toBe(0);
    const r = await run(['password', 'check', '-', '--json'], 'Qwerty 12\n');
    expect(JSON.parse(r.stdout).violations.map((v: { code: string }) => v.code)).toEqual([
      'ERR_FORBIDDEN_CHARACTER',
    ]);
  });

  it('a password starting with "-" goes after "--"', async () => {
    expect((await run(['password', 'check', '--', '-abc123'])).code).toBe(0);
  });
});

describe('kzpki password generate', () => {
  it('prints a compliant password, 16 characters by default', async () => {
    const r = await run(['password', 'generate']);
    expect(r.code).toBe(0);
    const pw = r.stdout.replace(/\n$/, '');
    expect(pw).toHaveLength(16);
    expect(checkPassword(pw).ok).toBe(true);
  });

  it('honours --length and --count', async () => {
    const r = await run(['password', 'generate', '--length', '32', '--count', '5']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const pw of lines) {
      expect(pw).toHaveLength(32);
      expect(checkPassword(pw).ok).toBe(true);
    }
  });

  it.each([['5'], ['33'], ['x'], ['16.5']])('--length %s is a usage error', async (length) => {
    expect((await run(['password', 'generate', '--length', length])).code).toBe(2);
  });
});
