import { UsersService } from '@/accounts/users.service.js';
import { parseCliArgs, runCli, UsageError } from './cli-context.js';

/**
 * `npm run create-admin -- --email E --password P`: creates the first admin, or promotes an
 * existing user (password unchanged). No prompts; exit 0 done, 1 failure, 2 usage.
 */
runCli(
  'usage: npm run create-admin -- --email EMAIL --password PASSWORD',
  () => {
    const values = parseCliArgs({ email: { type: 'string' }, password: { type: 'string' } });
    if (!values.email || !values.password)
      throw new UsageError('--email and --password are required');
    return { email: values.email.trim(), password: values.password };
  },
  async (app, _config, { email, password }) => {
    const outcome = await app.get(UsersService).ensureAdmin(email, password);
    const messages = {
      created: `admin ${email} created`,
      promoted: `existing user ${email} promoted to admin (password unchanged)`,
      unchanged: `${email} is already an admin (password unchanged)`,
    };
    console.log(messages[outcome]);
  },
);
