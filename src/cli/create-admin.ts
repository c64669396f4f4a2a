import { parseArgs } from 'node:util';
import { UsersService } from '@/accounts/users.service.js';
import { runCli, UsageError } from './cli-context.js';

/**
 * `npm run create-admin -- --email E --password P`: creates the first admin, or promotes an
 * existing user (password unchanged). No prompts; exit 0 done, 1 failure, 2 usage.
 */
runCli('usage: npm run create-admin -- --email EMAIL --password PASSWORD', async (app) => {
  let values: { email?: string; password?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, password: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.email || !values.password)
    throw new UsageError('--email and --password are required');
  const email = values.email.trim();
  const outcome = await app.get(UsersService).ensureAdmin(email, values.password);
  const messages = {
    created: `admin ${email} created`,
    promoted: `existing user ${email} promoted to admin (password unchanged)`,
    unchanged: `${email} is already an admin (password unchanged)`,
  };
  console.log(messages[outcome]);
});
