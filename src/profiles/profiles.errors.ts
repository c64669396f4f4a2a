import { ConflictError } from '@/common/domain-error.js';

export const MAX_ADDRESSES = 50;

export class AddressBookFullError extends ConflictError {
  constructor() {
    super(`At most ${MAX_ADDRESSES} addresses: delete one first`, 'ADDRESS_BOOK_FULL', {
      max: MAX_ADDRESSES,
    });
  }
}
