import { AttributeValue } from './attribute-value.entity.js';
import { Attribute } from './attribute.entity.js';
import { AttributesController } from './attributes.controller.js';
import { AttributesService } from './attributes.service.js';
import { ProductVariantValue } from './product-variant-value.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import { ProductVariantsController } from './product-variants.controller.js';
import { ProductVariantsService } from './product-variants.service.js';

/** Variants and attributes, registered by CatalogModule (and the data source's entity list). */
export const VARIANT_ENTITIES = [Attribute, AttributeValue, ProductVariant, ProductVariantValue];
export const VARIANT_CONTROLLERS = [AttributesController, ProductVariantsController];
export const VARIANT_PROVIDERS = [AttributesService, ProductVariantsService];
