import type { DataSource } from 'typeorm';
import { slugify } from '../taxonomy/slug.js';

/** Category → product kinds and a price range in minor units. */
const CATEGORIES: Record<string, { kinds: string[]; min: number; max: number; words: string[] }> = {
  'Running Shoes': {
    kinds: ['Trail Runner', 'Road Racer', 'Daily Trainer', 'Tempo Shoe', 'Marathon Flat'],
    min: 4999,
    max: 24999,
    words: ['cushioned', 'lightweight', 'grippy outsole', 'breathable mesh upper'],
  },
  'Outdoor Jackets': {
    kinds: ['Rain Shell', 'Down Parka', 'Softshell', 'Wind Breaker', 'Insulated Hoodie'],
    min: 5999,
    max: 39999,
    words: ['waterproof', 'packable', 'taped seams', 'recycled fabric'],
  },
  Backpacks: {
    kinds: ['Daypack', 'Hiking Pack', 'Commuter Bag', 'Roll-top Pack', 'Hydration Vest'],
    min: 2999,
    max: 22999,
    words: ['padded laptop sleeve', 'ventilated back', 'rain cover', 'hip belt'],
  },
  Headphones: {
    kinds: [
      'Wireless Earbuds',
      'Over-Ear Headphones',
      'Sport Earphones',
      'Studio Monitors',
      'Noise-Cancelling Headset',
    ],
    min: 1999,
    max: 44999,
    words: ['active noise cancelling', '30-hour battery', 'low latency', 'USB-C charging'],
  },
  Coffee: {
    kinds: ['Espresso Beans', 'Filter Roast', 'Cold Brew Blend', 'Single Origin', 'Decaf Roast'],
    min: 899,
    max: 3499,
    words: ['chocolate notes', 'bright acidity', 'medium roast', 'fair trade'],
  },
  Kitchen: {
    kinds: ["Chef's Knife", 'Cast Iron Skillet', 'Pour-over Kettle', 'Cutting Board', 'Stock Pot'],
    min: 1499,
    max: 19999,
    words: ['dishwasher safe', 'forged steel', 'induction ready', 'end-grain wood'],
  },
  'Yoga & Fitness': {
    kinds: ['Yoga Mat', 'Kettlebell', 'Resistance Bands', 'Foam Roller', 'Jump Rope'],
    min: 999,
    max: 12999,
    words: ['non-slip', 'eco-friendly', 'travel size', 'extra thick'],
  },
  Books: {
    kinds: ['Field Guide', 'Cookbook', 'Travel Journal', 'Novel', 'Atlas'],
    min: 999,
    max: 5999,
    words: ['hardcover', 'illustrated', 'first edition', 'pocket format'],
  },
  Watches: {
    kinds: ['GPS Watch', 'Dive Watch', 'Field Watch', 'Smartwatch', 'Chronograph'],
    min: 7999,
    max: 79999,
    words: ['sapphire glass', '100 m water resistant', 'heart-rate sensor', 'solar charging'],
  },
  'Camping Gear': {
    kinds: ['Ultralight Tent', 'Sleeping Bag', 'Camp Stove', 'Headlamp', 'Trekking Poles'],
    min: 1999,
    max: 49999,
    words: ['three-season', 'compact', 'rechargeable', 'carbon fibre'],
  },
};

const BRANDS = [
  'Northwind',
  'Alpine Co',
  'Summit Labs',
  'Riverstone',
  'Bluebird',
  'Evergreen',
  'Ironbark',
  'Lumen',
  'Tidewater',
  'Cedar & Pine',
  'Polaris',
  'Kestrel',
  'Oakridge',
  'Solace',
  'Vantage',
];
const COLORS = [
  'Red',
  'Blue',
  'Black',
  'Olive',
  'Sand',
  'Grey',
  'White',
  'Teal',
  'Orange',
  'Navy',
  'Plum',
  'Forest',
];
const SERIES = ['Pro', 'Lite', 'Max', 'Air', 'Trail', 'Urban', 'Classic', 'Edge', 'Flow', 'Prime'];

/** A deterministic pseudo-random number in [0, 1) for item `n` and salt `s`. */
function rand(n: number, s: number): number {
  let x = (n * 2654435761 + s * 97) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x45d9f3b) >>> 0;
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 32;
}

export interface SeedProgress {
  (inserted: number, total: number): void;
}

/** Categories and brands of the demo catalog, created when missing; returns ids by name. */
async function ensureTaxonomy(
  db: DataSource,
): Promise<{ categories: Map<string, string>; brands: Map<string, string> }> {
  const upsert = async (
    table: 'categories' | 'brands',
    names: string[],
  ): Promise<Map<string, string>> => {
    await db.query(
      `INSERT INTO ${table} (name, slug, description)
       SELECT n, s, 'Demo ' || n FROM unnest($1::text[], $2::text[]) AS t(n, s)
       ON CONFLICT (slug) DO NOTHING`,
      [names, names.map(slugify)],
    );
    const rows: Array<{ id: string; name: string }> = await db.query(
      `SELECT id, name FROM ${table} WHERE slug = ANY($1)`,
      [names.map(slugify)],
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  };
  return {
    categories: await upsert('categories', Object.keys(CATEGORIES)),
    brands: await upsert('brands', BRANDS),
  };
}

/**
 * Seeds `count` demo products (idempotent: SKUs `DEMO-000001`… are inserted once; a larger
 * count adds the rest). Bulk inserts of 1,000 rows through `unnest`, so 100,000 products take
 * seconds. Returns how many products were inserted.
 */
export async function seedDemoCatalog(
  db: DataSource,
  count: number,
  currency: string,
  progress?: SeedProgress,
): Promise<number> {
  const { categories, brands } = await ensureTaxonomy(db);
  const categoryNames = Object.keys(CATEGORIES);
  const batchSize = 1000;
  let inserted = 0;
  const createdBase = Date.now() - count * 1000;
  for (let start = 1; start <= count; start += batchSize) {
    const cols = {
      name: [] as string[],
      slug: [] as string[],
      sku: [] as string[],
      description: [] as string[],
      short: [] as string[],
      price: [] as number[],
      compare: [] as (number | null)[],
      cost: [] as number[],
      stock: [] as number[],
      featured: [] as boolean[],
      category: [] as string[],
      brand: [] as string[],
      images: [] as string[],
      created: [] as string[],
    };
    for (let n = start; n < Math.min(start + batchSize, count + 1); n += 1) {
      const categoryName = categoryNames[n % categoryNames.length];
      const spec = CATEGORIES[categoryName];
      const kind = spec.kinds[Math.floor(rand(n, 1) * spec.kinds.length)];
      const brand = BRANDS[Math.floor(rand(n, 2) * BRANDS.length)];
      const color = COLORS[Math.floor(rand(n, 3) * COLORS.length)];
      const series = SERIES[Math.floor(rand(n, 4) * SERIES.length)];
      const name = `${brand} ${kind} ${series} ${n} – ${color}`;
      const price = Math.round((spec.min + rand(n, 5) * (spec.max - spec.min)) / 100) * 100 - 1;
      const words = spec.words.filter((_, i) => rand(n, 10 + i) > 0.4);
      const sku = `DEMO-${String(n).padStart(6, '0')}`;
      cols.name.push(name);
      cols.slug.push(`${slugify(name)}-${sku.toLowerCase()}`.replace(/-+/g, '-'));
      cols.sku.push(sku);
      cols.short.push(`${color} ${kind.toLowerCase()} by ${brand}.`);
      cols.description.push(
        `The ${brand} ${kind} ${series} in ${color.toLowerCase()}: ${words.join(', ') || spec.words[0]}. Built for everyday use and backed by a two-year warranty.`,
      );
      cols.price.push(price);
      cols.compare.push(rand(n, 6) < 0.2 ? Math.round(price * 1.25) : null);
      cols.cost.push(Math.round(price * 0.55));
      cols.stock.push(rand(n, 7) < 0.1 ? 0 : Math.floor(rand(n, 8) * 200) + 1);
      cols.featured.push(rand(n, 9) < 0.03);
      cols.category.push(categories.get(categoryName) as string);
      cols.brand.push(brands.get(brand) as string);
      cols.images.push(
        JSON.stringify([
          { url: `https://picsum.photos/seed/${sku}/800/800`, alt: `${name}, front view` },
        ]),
      );
      cols.created.push(new Date(createdBase + n * 1000).toISOString());
    }
    const result: unknown[] = await db.query(
      `INSERT INTO products (name, slug, sku, description, short_description, price, compare_at_price, cost_price, currency,
                             stock, is_featured, category_id, brand_id, images, created_at, updated_at)
       SELECT name, slug, sku, description, short, price, compare, cost, $15, stock, featured, category, brand, images::jsonb, created, created
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[],
                   $10::bool[], $11::uuid[], $12::uuid[], $13::text[], $14::timestamptz[])
         AS t(name, slug, sku, description, short, price, compare, cost, stock, featured, category, brand, images, created)
       ON CONFLICT DO NOTHING
       RETURNING 1`,
      [
        cols.name,
        cols.slug,
        cols.sku,
        cols.description,
        cols.short,
        cols.price,
        cols.compare,
        cols.cost,
        cols.stock,
        cols.featured,
        cols.category,
        cols.brand,
        cols.images,
        cols.created,
        currency,
      ],
    );
    inserted += result.length;
    progress?.(Math.min(start + batchSize - 1, count), count);
  }
  // VACUUM marks the new pages all-visible, so counts are index-only scans from the start
  // (autovacuum would, some time later); ANALYZE gives the planner the new distribution.
  if (inserted > 0) await db.query('VACUUM (ANALYZE) products, product_search');
  return inserted;
}
