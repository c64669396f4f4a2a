import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Build, sharedBuild } from '../support/shared-build.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';
import { runCli } from './run-cli.js';

/**
 * `npm run create-admin` is the built `dist/src/cli/create-admin.js` run by an operator or a
 * deploy script: exit 0 done, 1 failure, 2 usage, and never a prompt. The password comes from
 * CREATE_ADMIN_PASSWORD or, with `--password-stdin`, the first line piped in; never from the
 * command line, where `ps` and the shell history show it. Unless a run pipes a password in, its
 * stdin is an open pipe nobody writes to, so a CLI that prompted would hang and time out instead
 * of passing.
 */

const USAGE = [
  'usage: npm run create-admin -- --email EMAIL --password-stdin   (password on standard input)',
  '       npm run create-admin -- --email EMAIL                    (with CREATE_ADMIN_PASSWORD set)',
  '       npm run create-admin -- --promote-existing EMAIL',
].join('\n');
const PASSWORD_REFUSED =
  '--password is refused: a password on the command line is visible to every user of this ' +
  'machine (ps) and stays in the shell history. Pipe it to --password-stdin, or set ' +
  'CREATE_ADMIN_PASSWORD.';
const REQUIRED = '--email and a password (--password-stdin or CREATE_ADMIN_PASSWORD) are required';
const PROMOTE_ALONE =
  '--promote-existing takes neither --email nor a password (--password-stdin, CREATE_ADMIN_PASSWORD)';
const DATABASE_DOWN = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', REDIS_URL: undefined };
/** The environment that gives the CLI `password`. */
const withPassword = (password: string) => ({ CREATE_ADMIN_PASSWORD: password });
/** Far above a healthy run (about a second), far below TypeOrmModule's ~30 s of retries. */
const EXIT_BOUND_MS = 15_000;

describe('create-admin CLI (built)', () => {
  const databaseUrl = process.env.TEST_DATABASE_URL as string;
  let build: Build | undefined;
  let t: TestApp;
  let script: string;
  const createAdmin = (
    args: string[],
    env: Record<string, string | undefined> = {},
    input?: string,
  ) =>
    runCli(
      script,
      args,
      {
        DATABASE_URL: databaseUrl,
        REDIS_URL: process.env.REDIS_URL,
        CREATE_ADMIN_PASSWORD: undefined,
        ...env,
      },
      EXIT_BOUND_MS,
      input,
    );
  const rolesOf = async (email: string) =>
    (
      await t.dataSource.query<Array<{ role: string }>>(
        'SELECT role FROM users WHERE lower(email) = lower($1)',
        [email],
      )
    ).map((r) => r.role);
  const login = (email: string, password: string) =>
    t.http.post('/api/auth/login').send({ email, password });

  beforeAll(async () => {
    build = await sharedBuild();
    script = join(build.main, '..', 'cli', 'create-admin.js');
    // Migrates the run's database, which the CLI (like the server on DATABASE_URL) expects.
    t = await createTestApp();
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('creates an admin who can log in from CREATE_ADMIN_PASSWORD, exit 0, with stdin left open', async () => {
    const email = uniqueEmail('cli-admin');
    const run = await createAdmin(['--email', email], withPassword(STRONG_PASSWORD));
    expect(run).toMatchObject({ code: 0, stdout: `admin ${email} created\n`, stderr: '' });
    expect(await rolesOf(email)).toEqual(['admin']);
    const session = await login(email, STRONG_PASSWORD).expect(200);
    expect(session.body.user).toMatchObject({ email, role: 'admin' });
    await t.http
      .get('/api/users')
      .query({ q: email })
      .set('Authorization', `Bearer ${session.body.accessToken}`)
      .expect(200);
  });

  it('creates an admin whose password is the first line piped to --password-stdin', async () => {
    const email = uniqueEmail('cli-stdin');
    const run = await createAdmin(
      ['--email', email, '--password-stdin'],
      {},
      `${STRONG_PASSWORD}\nOther-pass-4242\n`,
    );
    expect(run).toMatchObject({ code: 0, stdout: `admin ${email} created\n`, stderr: '' });
    expect(await rolesOf(email)).toEqual(['admin']);
    const session = await login(email, STRONG_PASSWORD).expect(200);
    expect(session.body.user).toMatchObject({ email, role: 'admin' });
    await login(email, 'Other-pass-4242').expect(401);
  });

  it('promotes an existing customer and keeps their password', async () => {
    const customer = await t.createUser();
    const run = await createAdmin(['--email', customer.email], withPassword('Other-pass-4242'));
    expect(run).toMatchObject({
      code: 0,
      stdout: `existing user ${customer.email} promoted to admin (password unchanged)\n`,
    });
    expect(await rolesOf(customer.email)).toEqual(['admin']);
    const session = await login(customer.email, customer.password).expect(200);
    expect(session.body.user.role).toBe('admin');
    await login(customer.email, 'Other-pass-4242').expect(401);
  });

  it('leaves an existing admin as it is (exit 0, one account, password unchanged)', async () => {
    const email = uniqueEmail('cli-admin');
    expect((await createAdmin(['--email', email], withPassword(STRONG_PASSWORD))).code).toBe(0);
    const again = await createAdmin(
      ['--email', email.toUpperCase()],
      withPassword('Other-pass-4242'),
    );
    expect(again).toMatchObject({
      code: 0,
      stdout: `${email.toUpperCase()} is already an admin (password unchanged)\n`,
    });
    expect(await rolesOf(email)).toEqual(['admin']);
    await login(email, STRONG_PASSWORD).expect(200);
  });

  it('promotes an existing customer with --promote-existing, no password given, keeping theirs', async () => {
    const customer = await t.createUser();
    const run = await createAdmin(['--promote-existing', customer.email.toUpperCase()]);
    expect(run).toMatchObject({
      code: 0,
      stdout: `existing user ${customer.email.toUpperCase()} promoted to admin (password unchanged)\n`,
      stderr: '',
    });
    expect(await rolesOf(customer.email)).toEqual(['admin']);
    const session = await login(customer.email, customer.password).expect(200);
    expect(session.body.user.role).toBe('admin');
    await t.http
      .get('/api/users')
      .set('Authorization', `Bearer ${session.body.accessToken}`)
      .expect(200);
  });

  it('leaves an admin as it is with --promote-existing (exit 0)', async () => {
    const admin = await t.createUser({ role: 'admin' });
    const run = await createAdmin(['--promote-existing', admin.email]);
    expect(run).toMatchObject({
      code: 0,
      stdout: `${admin.email} is already an admin (password unchanged)\n`,
    });
    expect(await rolesOf(admin.email)).toEqual(['admin']);
    await login(admin.email, admin.password).expect(200);
  });

  it('exits 1 with --promote-existing on an email no account has, creating nobody', async () => {
    const email = uniqueEmail('cli-nobody');
    const run = await createAdmin(['--promote-existing', email]);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `User ${email} not found\n` });
    expect(await rolesOf(email)).toEqual([]);
  });

  it.each<[string, string[], string, { password?: string; input?: string }?]>([
    [
      '--promote-existing with --password-stdin',
      ['--promote-existing', 'EMAIL', '--password-stdin'],
      PROMOTE_ALONE,
      { input: `${STRONG_PASSWORD}\n` },
    ],
    [
      '--promote-existing with CREATE_ADMIN_PASSWORD set',
      ['--promote-existing', 'EMAIL'],
      PROMOTE_ALONE,
      { password: STRONG_PASSWORD },
    ],
    [
      '--promote-existing with --email',
      ['--promote-existing', 'EMAIL', '--email', 'EMAIL'],
      PROMOTE_ALONE,
    ],
    [
      '--promote-existing without its value',
      ['--promote-existing'],
      "Option '--promote-existing <value>' argument missing",
    ],
    ['no arguments', [], REQUIRED],
    ['no password', ['--email', 'EMAIL'], REQUIRED],
    ['no --email (password in the environment)', [], REQUIRED, { password: STRONG_PASSWORD }],
    [
      'no --email (password on stdin)',
      ['--password-stdin'],
      REQUIRED,
      { input: `${STRONG_PASSWORD}\n` },
    ],
    [
      'a password given both ways',
      ['--email', 'EMAIL', '--password-stdin'],
      'give the password one way: --password-stdin or CREATE_ADMIN_PASSWORD, not both',
      { password: STRONG_PASSWORD, input: `${STRONG_PASSWORD}\n` },
    ],
    [
      '--password-stdin with nothing piped in',
      ['--email', 'EMAIL', '--password-stdin'],
      '--password-stdin found no password on the first line of its input',
      { input: '' },
    ],
    [
      '--password-stdin with an empty first line',
      ['--email', 'EMAIL', '--password-stdin'],
      '--password-stdin found no password on the first line of its input',
      { input: `\n${STRONG_PASSWORD}\n` },
    ],
    ['--email without its value', ['--email'], "Option '--email <value>' argument missing"],
    ['an unknown option', ['--email', 'EMAIL', '--role', 'admin'], "Unknown option '--role'"],
  ])('exits 2 with the usage on %s, creating nobody', async (_case, args, message, given = {}) => {
    const email = uniqueEmail('cli-usage');
    const run = await createAdmin(
      args.map((a) => (a === 'EMAIL' ? email : a)),
      given.password === undefined ? {} : withPassword(given.password),
      given.input,
    );
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`${message}\n${USAGE}\n`);
    expect(await rolesOf(email)).toEqual([]);
  });

  it.each([
    ['--password P', (password: string) => ['--password', password]],
    ['--password=P', (password: string) => [`--password=${password}`]],
  ])(
    'refuses %s on the command line, exit 2, saying why and what to use, creating nobody',
    async (_form, passwordArgs) => {
      const email = uniqueEmail('cli-argv');
      const run = await createAdmin(['--email', email, ...passwordArgs(STRONG_PASSWORD)]);
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe(`${PASSWORD_REFUSED}\n${USAGE}\n`);
      expect(run.stderr).not.toContain(STRONG_PASSWORD);
      expect(await rolesOf(email)).toEqual([]);
    },
  );

  it.each(['--help', '-h'])(
    '%s prints the usage and both ways to give the password to stdout, exit 0, without connecting',
    async (flag) => {
      const run = await createAdmin(['--email', 'nobody@example.com', flag], DATABASE_DOWN);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.startsWith(`${USAGE}\n\n`)).toBe(true);
      expect(run.stdout).toContain(
        `printf '%s\\n' "$PASSWORD" | npm run create-admin -- --email EMAIL --password-stdin`,
      );
      expect(run.stdout).toMatch(/^ {2}CREATE_ADMIN_PASSWORD +\S/m);
      expect(run.ms).toBeLessThan(EXIT_BOUND_MS);
    },
  );

  it.each([
    ['Sh0rt!', 'password must be at least 8 characters'],
    ['password123', 'password is too common'],
    ['onlyletters', 'password must mix letters with digits or symbols'],
  ])('exits 1 on the weak password %j, saying why, creating nobody', async (password, why) => {
    const email = uniqueEmail('cli-weak');
    const run = await createAdmin(['--email', email], withPassword(password));
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `${why}\n` });
    expect(await rolesOf(email)).toEqual([]);
  });

  it('exits 1 on an email that is not an address, creating nobody', async () => {
    const run = await createAdmin(['--email', 'notanemail'], withPassword(STRONG_PASSWORD));
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'notanemail is not an email address\n',
    });
    expect(await rolesOf('notanemail')).toEqual([]);
  });

  it('exits 2 on a usage error before connecting, even when the database is down', async () => {
    const run = await createAdmin([], DATABASE_DOWN);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`${REQUIRED}\n${USAGE}\n`);
  });

  it('exits 1 at once, saying so, when the database cannot be reached', async () => {
    const email = uniqueEmail('cli-nodb');
    const run = await createAdmin(['--email', email], {
      ...DATABASE_DOWN,
      ...withPassword(STRONG_PASSWORD),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^failed: the database at DATABASE_URL cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:1\)\n$/,
    );
    expect(run.ms).toBeLessThan(EXIT_BOUND_MS);
  });

  it('exits 1 naming the variable on a bad configuration', async () => {
    const run = await createAdmin(['--email', uniqueEmail()], {
      DATABASE_URL: 'mysql://root@127.0.0.1/shop',
      ...withPassword(STRONG_PASSWORD),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL must be a postgres: or postgresql:// URL');
  });
});
