import { ValidationFailedError } from '@/common/domain-error.js';

/**
 * The product lists' attribute filter: `attributes=color:red|blue,size:l` keeps products with an
 * active variant that is (red or blue) and l. Terms are separated by `,`, an attribute slug and
 * its values by `:`, alternative values by `|`; slugs are lower-case (input is lower-cased).
 */
export interface AttributeFilterTerm {
  /** The attribute's slug. */
  attribute: string;
  /** Value slugs, any of which matches: sorted, without duplicates. */
  values: string[];
}

export const MAX_ATTRIBUTE_TERMS = 10;
export const MAX_VALUES_PER_TERM = 20;
export const MAX_ATTRIBUTE_FILTER_LENGTH = 1000;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_MAX = 120;

const invalid = (message: string): never => {
  throw new ValidationFailedError(`attributes: ${message}`, [{ field: 'attributes', message }]);
};

const checkSlug = (slug: string, what: string, term: string): void => {
  if (!SLUG.test(slug) || slug.length > SLUG_MAX)
    invalid(`"${term}": ${what} must be a slug (a-z, 0-9 and single dashes)`);
};

/** Parses and validates a filter; the terms come sorted by attribute (a canonical form). */
export function parseAttributeFilter(input: string): AttributeFilterTerm[] {
  if (input.length > MAX_ATTRIBUTE_FILTER_LENGTH)
    invalid(`at most ${MAX_ATTRIBUTE_FILTER_LENGTH} characters`);
  const raw = input.toLowerCase().split(',');
  if (raw.length > MAX_ATTRIBUTE_TERMS) invalid(`at most ${MAX_ATTRIBUTE_TERMS} attributes`);
  const terms = new Map<string, string[]>();
  for (const term of raw) {
    const parts = term.split(':');
    if (parts.length !== 2) invalid(`"${term}" is not attribute:value (e.g. color:red)`);
    const [attribute = '', list = ''] = parts;
    checkSlug(attribute, 'the attribute', term);
    const values = list.split('|');
    if (values.length > MAX_VALUES_PER_TERM)
      invalid(`"${attribute}": at most ${MAX_VALUES_PER_TERM} values`);
    for (const value of values) checkSlug(value, 'each value', term);
    if (terms.has(attribute))
      invalid(`"${attribute}" is given twice; list its values in one term (${attribute}:a|b)`);
    terms.set(attribute, [...new Set(values)].sort());
  }
  return [...terms.keys()].sort().map((attribute) => ({
    attribute,
    values: terms.get(attribute) ?? [],
  }));
}

/** The canonical text of parsed terms: equal filters give equal strings (cache keys). */
export function formatAttributeFilter(terms: AttributeFilterTerm[]): string {
  return terms.map((t) => `${t.attribute}:${t.values.join('|')}`).join(',');
}

/**
 * The list condition of a filter, on the products alias `p`: an active variant of the product
 * has one of each term's values (and is in stock with `inStock`). Resolved through indexes:
 * attribute by slug (`attributes_slug_key`), value by (attribute, slug)
 * (`attribute_values_attribute_slug_key`), variants by value
 * (`product_variant_values_value_idx`), products by id; unknown slugs match nothing.
 */
export function attributeFilterCondition(
  terms: AttributeFilterTerm[],
  inStock: boolean,
): { sql: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const conditions = terms.map((term, i) => {
    params[`attrSlug${i}`] = term.attribute;
    params[`attrValues${i}`] = term.values;
    return `v.id IN (SELECT x.variant_id FROM product_variant_values x
        JOIN attribute_values av ON av.id = x.attribute_value_id
        JOIN attributes a ON a.id = av.attribute_id
       WHERE a.slug = :attrSlug${i} AND av.slug IN (:...attrValues${i}))`;
  });
  const sql = `p.id IN (SELECT v.product_id FROM product_variants v
     WHERE v.is_active${inStock ? ' AND v.stock > 0' : ''} AND ${conditions.join(' AND ')})`;
  return { sql, params };
}
