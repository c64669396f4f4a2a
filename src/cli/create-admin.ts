import { UsersService } from '@/accounts/users.service.js';
import { parseCliArgs, runCli, UsageError } from './cli-context.js';

type Command = { email: string; password: string } | { promoteExisting: string };

/**
 * `npm run create-admin -- --email E --password P`: creates the first admin, or promotes an
 * existing user (password unchanged). `--promote-existing E`: promotes an existing account
 * only, no password needed (what the start-up log advises when `ADMIN_EMAIL` belongs to an
 * account whose password is not `ADMIN_PASSWORD`). No prompts; exit 0 done, 1 failure, 2 usage.
 */
runCli(
  [
    'usage: npm run create-admin -- --email EMAIL --password PASSWORD',
    '       npm run create-admin -- --promote-existing EMAIL',
  ].join('\n'),
  (): Command => {
    const values = parseCliArgs({
      email: { type: 'string' },
      password: { type: 'string' },
      'promote-existing': { type: 'string' },
    });
    const promoteExisting = values['promote-existing'];
    if (promoteExisting !== undefined) {
      if (values.email !== undefined || values.password !== undefined)
        throw new UsageError('--promote-existing takes neither --email nor --password');
      return { promoteExisting: promoteExisting.trim() };
    }
    if (!values.email || !values.password)
      throw new UsageError('--email and --password are required');
    return { email: values.email.trim(), password: values.password };
  },
  async (app, _config, command) => {
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
);
