import { ConflictError } from '@/common/domain-error.js';

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super(`SKU ${sku} is already used by another product`, 'SKU_TAKEN', { sku });
  }
}
