export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'admin123',
  'welcome1',
  'letmein1',
  'abc12345',
  '11111111',
  'sunshine1',
  'football1',
  'baseball1',
  'trustno1',
  'changeme',
  'changeme1',
]);

/**
 * Why a password is too weak, or `undefined` when it is acceptable: at least 8 characters, at
 * least one letter and one digit (or symbol), not a well-known password, not the email itself.
 */
export function passwordWeakness(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (!/\p{L}/u.test(password) || !/[^\p{L}]/u.test(password)) {
    return 'password must mix letters with digits or symbols';
  }
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'password is too common';
  if (email && lower === email.toLowerCase()) return 'password must not be the email address';
  if (/^(.)\1+$/.test(password)) return 'password is too simple';
  return undefined;
}
