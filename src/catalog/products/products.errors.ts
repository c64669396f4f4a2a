import { ConflictError, type ErrorCodes, stringDetails } from '@/common/domain-error.js';

export class SkuTakenError extends ConflictError {
  static override readonly codes = {
    SKU_TAKEN: {
      status: 409,
      description: 'Another product or variant already has this SKU (SKUs ignore case)',
      details: stringDetails({ sku: 'TSHIRT-ORG-M' }),
    },
  } satisfies ErrorCodes;

  constructor(sku: string) {
    super(`SKU ${sku} is already used by another product`, 'SKU_TAKEN', { sku });
  }
}
