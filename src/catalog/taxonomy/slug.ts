import { isUuid } from '@/common/refs.js';
import { randomBytes } from 'node:crypto';

export const SLUG_MAX_LENGTH = 120;

/** `"Café Crème — 250 g"` → `"cafe-creme-250-g"`: lower-case ASCII words joined by dashes. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
  return slug || 'item';
}

/** A slug for `name` that `isTaken` does not know: `name`, then `name-2`…`name-5`, then a random suffix. */
export async function uniqueSlug(
  name: string,
  isTaken: (slug: string) => Promise<boolean>,
): Promise<string> {
  let base = slugify(name);
  // Paths take an id or a slug: a slug must never read as an id.
  if (isUuid(base)) base = `${base}-item`;
  if (!(await isTaken(base))) return base;
  for (let n = 2; n <= 5; n += 1) {
    const candidate = `${base}-${n}`;
    if (!(await isTaken(candidate))) return candidate;
  }
  return `${base}-${randomBytes(3).toString('hex')}`;
}
