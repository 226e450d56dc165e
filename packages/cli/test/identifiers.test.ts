import { generateBins, generateIins, isValidBin, isValidIin } from '@kzpki/iin';
import { describe, expect, it } from 'vitest';
import { run } from './io.js';

describe('kzpki iin check', () => {
  it('exit 0 and the decoded fields for a valid IIN', async () => {
    expect(await run(['iin', 'check', '871008401427'])).toEqual({
      code: 0,
      stdout: '871008401427: valid IIN\n  birth date: 1987-10-08\n  sex: female\n',
      stderr: '',
    });
  });

  it('accepts the IIN prefix and spaces', async () => {
    expect((await run(['iin', 'check', ' IIN061211600012 '])).code).toBe(0);
  });

  it('exit 1 with the code and the localized message for an invalid IIN', async () => {
    const r = await run(['iin', 'check', '871008401428', '--lang', 'ru']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '871008401428: некорректный ИИН: Неверная контрольная цифра ИИН: последняя цифра должна быть 7, указана 8 (ERR_CHECKSUM)\n',
    );
  });

  it('--json prints the parse result', async () => {
    const r = await run(['iin', 'check', '061211600012', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      iin: '061211600012',
      birthDate: '2006-12-11',
      sex: 'female',
      century: 2000,
    });
  });

  it('--json prints { valid: false, code, message, details } in the --lang language', async () => {
    const r = await run(['--lang', 'kk', 'iin', 'check', '871308401427', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      code: 'ERR_DATE',
      message: 'ЖСН-нің 1–6 цифрлары нақты туған күнді құрамайды (1987-13-08)',
      details: { subject: 'IIN', date: '1987-13-08' },
    });
  });

  it('--no-checksum accepts the NCA test IIN and says it was not verified', async () => {
    expect((await run(['iin', 'check', 'IIN123456789012'])).code).toBe(1);
    const r = await run(['iin', 'check', 'IIN123456789012', '--no-checksum', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: true,
      strictlyValid: false,
      iin: '123456789012',
      birthDate: null,
      sex: null,
      century: null,
    });
    const human = await run(['iin', 'check', 'IIN123456789012', '--no-checksum']);
    expect(human.stdout).toContain('without the check digit and structure checks');
  });
});

describe('kzpki bin check', () => {
  it('exit 0 for the BINs of docs/domain.md, 1 for a typo', async () => {
    const ok = await run(['bin', 'check', 'BIN961141000023']);
    expect(ok).toMatchObject({
      code: 0,
      stdout: '961141000023: valid BIN\n  registered: 1996-11\n  type: resident\n  unit: branch\n',
    });
    const bad = await run(['bin', 'check', '940140000386', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      valid: false,
      code: 'ERR_CHECKSUM',
      details: { expected: 5 },
    });
  });

  it('--no-checksum accepts the NCA test BIN', async () => {
    expect((await run(['bin', 'check', 'BIN123456789021', '--no-checksum'])).code).toBe(0);
    expect((await run(['bin', 'check', 'BIN123456789021'])).code).toBe(1);
  });
});

describe('kzpki iin|bin generate', () => {
  it('prints --count valid IINs, the same ones as the SDK for the same seed', async () => {
    const r = await run(['iin', 'generate', '--count', '5', '--seed', '42']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(generateIins(5, { seed: 42 }));
    expect(lines.every((v) => isValidIin(v))).toBe(true);
    // A non-numeric seed is a text seed.
    expect((await run(['iin', 'generate', '--seed', 'abc'])).stdout).toBe(
      `${generateIins(1, { seed: 'abc' })[0]}\n`,
    );
  });

  it('honours --born and --sex', async () => {
    const r = await run(['iin', 'generate', '--count', '3', '--born', '2000-02-29', '--sex', 'male']);
    for (const v of r.stdout.trimEnd().split('\n')) expect(v).toMatch(/^0002295\d{5}$/);
  });

  it('prints valid BINs and honours its options', async () => {
    const r = await run([
      'bin',
      'generate',
      '--count',
      '3',
      '--seed',
      '7',
      '--registered',
      '2004-03',
      '--kind',
      'non-resident',
    ]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(generateBins(3, { seed: 7, registered: '2004-03', kind: 'non-resident' }));
    for (const v of lines) {
      expect(isValidBin(v)).toBe(true);
      expect(v).toMatch(/^04035/);
    }
  });

  it.each([
    [['iin', 'generate', '--count', '0']],
    [['iin', 'generate', '--count', 'many']],
    [['iin', 'generate', '--sex', 'other']],
    [['iin', 'generate', '--born', '1987-02-29']],
    [['iin', 'generate', '--born', '08.10.1987']],
    [['bin', 'generate', '--kind', 'llp']],
    [['bin', 'generate', '--registered', '2050-01']],
  ])('usage error (exit 2) for %j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toBe('');
  });

  it('a generator option error names the flag the user typed', async () => {
    expect((await run(['iin', 'generate', '--born', '1987-02-29'])).stderr).toBe(
      'kzpki: Invalid option --born: is not a real calendar date\n',
    );
    expect((await run(['--lang', 'ru', 'bin', 'generate', '--registered', '1900-01'])).stderr).toBe(
      'kzpki: Недопустимое значение параметра --registered\n',
    );
  });
});
