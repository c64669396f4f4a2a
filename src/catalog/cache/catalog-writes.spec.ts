import { describe, expect, it } from '@jest/globals';
import { CatalogNamespace as NS } from './catalog-cache.keys.js';
import { namespacesOf } from './catalog-writes.js';

describe('what a catalog write invalidates', () => {
  it('a product write: lists, details, and the category and brand product counts', () => {
    expect(namespacesOf('product').sort()).toEqual(
      [NS.products, NS.productDetails, NS.categories, NS.brands].sort(),
    );
  });

  it('a taxonomy write: its own reads and every product that embeds it', () => {
    expect(namespacesOf('category').sort()).toEqual(
      [NS.categories, NS.products, NS.productDetails].sort(),
    );
    expect(namespacesOf('brand')).not.toContain(NS.categories);
  });

  it('a stock move: the products moved, and the lists only when one flipped in or out of stock', () => {
    const move = { productSlugs: ['a', 'b'], inStockFlipped: false };
    expect(namespacesOf('stock', move)).toEqual([NS.product('a'), NS.product('b')]);
    expect(namespacesOf('stock', { ...move, inStockFlipped: true })).toContain(NS.products);
  });

  it('names each namespace once', () => {
    const move = { productSlugs: ['a', 'a'], inStockFlipped: true };
    expect(namespacesOf('stock', move)).toEqual([NS.product('a'), NS.products]);
  });

  it('images: a product its own detail; a category or brand its reads and the products', () => {
    expect(namespacesOf('productImages', 'red-shoe')).toEqual([
      NS.products,
      NS.product('red-shoe'),
    ]);
    expect(namespacesOf('taxonomyImage', 'brand')).toEqual([
      NS.brands,
      NS.products,
      NS.productDetails,
    ]);
  });

  it('a bulk import (the seed CLI) invalidates everything a product write does', () => {
    expect(namespacesOf('bulkImport').sort()).toEqual(namespacesOf('product').sort());
  });
});
