import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, CliError, COMMAND_GROUPS, isCliError } from '../src/index.js';
import { run } from './io.js';

describe('the kzpki program', () => {
  it('registers every command group', () => {
    const program = buildProgram({
      io: { stdout() {}, stderr() {}, readStdin: async () => '' },
      exitCode: 0,
    });
    expect(program.commands.map((c) => c.name())).toEqual([
      'iin',
      'bin',
      'password',
      'cert',
      'p12',
      'ocsp',
      'crl',
      'cms',
      'tsp',
      'ncalayer',
      'start',
      'ca',
      'audit',
      'enroll',
      'information-system',
      'testpack',
    ]);
    // `start`, `ca` and `audit` are one group: the reference stack's commands (or their stand-ins).
    expect(COMMAND_GROUPS).toHaveLength(14);
    expect(program).toBeInstanceOf(Command);
  });

  it('--help exits 0 and lists the groups on stdout', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: kzpki/);
    for (const group of ['iin', 'bin', 'password']) expect(r.stdout).toContain(group);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([
    // no command, an unknown command or subcommand
    [[]],
    [['iin']],
    [['nope']],
    [['iin', 'nope']],
    [['cert', 'show']],
    // a missing or an excess argument
    [['iin', 'check']],
    [['iin', 'check', '1', '2']],
    [['password', 'check']],
    [['ocsp', 'check']],
    // an unknown option, a missing option value, a missing required option
    [['iin', 'check', '871008401427', '--bogus']],
    [['--lang']],
    [['ocsp', 'check', 'cert.pem', '--issuer']],
    [['enroll']],
    [['testpack']],
    [['information-system', '--approver', 'keys', '--password', 'Qwerty12', '--out', 'out']],
    // an invalid value: choices, numbers, lists
    [['--lang', 'de', 'iin', 'check', '871008401427']],
    [['iin', 'generate', '--count', 'x']],
    [['iin', 'generate', '--count', '0']],
    [['iin', 'generate', '--sex', 'x']],
    [['bin', 'generate', '--kind', 'x']],
    [['password', 'generate', '--length', '3']],
    [['enroll', '--template', 'nope', '--iin', '850315300128', '--out', 'keys']],
    [['testpack', '--out', 'pack', '--templates', 'nope']],
    [['testpack', '--out', 'pack', '--key-format', 'pem']],
  ])('usage error (exit 2, message on stderr, nothing on stdout) for %j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe('');
    expect(r.stdout).toBe('');
  });

  it('--lang may come before or after the command', async () => {
    const before = await run(['--lang', 'ru', 'iin', 'check', '871008401428']);
    const after = await run(['iin', 'check', '871008401428', '--lang', 'ru']);
    expect(before.stdout).toContain('некорректный ИИН');
    expect(after).toEqual(before);
  });

  it('isCliError: by class, by shape (a CliError of another copy of the package), and by code', () => {
    const own = new CliError('ERR_USAGE', 'bad');
    expect(isCliError(own)).toBe(true);
    expect(isCliError(own, 'ERR_USAGE')).toBe(true);
    expect(isCliError(own, 'ERR_INPUT', 'ERR_STACK_UNAVAILABLE')).toBe(false);
    const foreign = Object.assign(new Error('from another copy'), {
      name: 'CliError',
      code: 'ERR_STACK_UNAVAILABLE',
      exitCode: 2,
    });
    expect(isCliError(foreign, 'ERR_STACK_UNAVAILABLE')).toBe(true);
    expect(isCliError(new Error('plain'))).toBe(false);
    expect(isCliError({ name: 'CliError', code: 'ERR_USAGE', exitCode: 2 })).toBe(false);
  });
});
