import { createInterface } from 'node:readline';
import { parseCliArgs, runCli, UsageError } from './cli-args.js';

/**
 * The password's variable. Not `ADMIN_PASSWORD`: the configuration accepts that one only with
 * `ADMIN_EMAIL`, and with both set the accounts module's start-up hook would run its own, more
 * cautious admin bootstrap inside this CLI before the command does; a server's `.env` would also
 * feed its admin password to a CLI run meant for another address. Read from the real environment
 * only (before `.env` is loaded): a one-off password does not belong in a file.
 */
const PASSWORD_VARIABLE = 'CREATE_ADMIN_PASSWORD';

const USAGE = [
  'usage: npm run create-admin -- --email EMAIL --password-stdin   (password on standard input)',
  `       npm run create-admin -- --email EMAIL                    (with ${PASSWORD_VARIABLE} set)`,
  '       npm run create-admin -- --promote-existing EMAIL',
].join('\n');

const HELP = `Creates the first admin, or promotes an existing account to admin (its password unchanged).
The password is never an argument (\`ps\` shows arguments to every user of the machine, and the
shell keeps them in its history); give it one of two ways:
  --password-stdin          read it from the first line of standard input, e.g.
                            printf '%s\\n' "$PASSWORD" | npm run create-admin -- --email EMAIL --password-stdin
  ${PASSWORD_VARIABLE}     or from this variable, set by a secret store or CI (not typed on the command line)

  --email EMAIL             the admin's email address
  --promote-existing EMAIL  promote an existing account to admin; takes no password
  -h, --help                show this help

Exit: 0 done, 1 failure (weak password, unknown account, database unreachable), 2 usage error.`;

const PASSWORD_REFUSED =
  '--password is refused: a password on the command line is visible to every user of this ' +
  'machine (ps) and stays in the shell history. Pipe it to --password-stdin, or set ' +
  `${PASSWORD_VARIABLE}.`;

type Command = { email: string; password: string } | { promoteExisting: string };

/** The first line of `input` (without its line ending), or `undefined` at end of input. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) return line;
  return undefined;
}

/**
 * `npm run create-admin -- --email E --password-stdin`: creates the first admin, or promotes an
 * existing user (password unchanged). `--promote-existing E`: promotes an existing account
 * only, no password needed (what the start-up log advises when `ADMIN_EMAIL` belongs to an
 * account whose password is not `ADMIN_PASSWORD`). No prompts; exit 0 done, 1 failure, 2 usage.
 */
runCli({
  usage: USAGE,
  help: HELP,
  parse: async (): Promise<Command> => {
    const values = parseCliArgs(
      {
        email: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'promote-existing': { type: 'string' },
      },
      { password: PASSWORD_REFUSED },
    );
    // Taken out of the environment at once, so no child process (embedded PostgreSQL) inherits it.
    const fromEnvironment = process.env[PASSWORD_VARIABLE] || undefined;
    delete process.env[PASSWORD_VARIABLE];
    const fromStdin = values['password-stdin'] === true;
    const promoteExisting = values['promote-existing'];
    if (promoteExisting !== undefined) {
      if (values.email !== undefined || fromStdin || fromEnvironment !== undefined)
        throw new UsageError(
          `--promote-existing takes neither --email nor a password (--password-stdin, ${PASSWORD_VARIABLE})`,
        );
      return { promoteExisting: promoteExisting.trim() };
    }
    if (fromStdin && fromEnvironment !== undefined)
      throw new UsageError(
        `give the password one way: --password-stdin or ${PASSWORD_VARIABLE}, not both`,
      );
    if (!values.email || (!fromStdin && fromEnvironment === undefined))
      throw new UsageError(
        `--email and a password (--password-stdin or ${PASSWORD_VARIABLE}) are required`,
      );
    const password = fromStdin ? await firstLine(process.stdin) : fromEnvironment;
    if (!password)
      throw new UsageError('--password-stdin found no password on the first line of its input');
    return { email: values.email.trim(), password };
  },
  run: async (app, _config, command) => {
    // Imported here, after the arguments: `--help` and usage errors need no application.
    const { UsersService } = await import('../accounts/users.service.js');
    const users = app.get(UsersService);
    const email = 'promoteExisting' in command ? command.promoteExisting : command.email;
    const outcome =
      'promoteExisting' in command
        ? await users.promoteToAdmin(email)
        : await users.ensureAdmin(email, command.password, 'promote');
    const messages = {
      created: `admin ${email} created`,
      promoted: `existing user ${email} promoted to admin (password unchanged)`,
      unchanged: `${email} is already an admin (password unchanged)`,
    };
    console.log(messages[outcome]);
  },
});
