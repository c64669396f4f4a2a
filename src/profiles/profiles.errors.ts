import { ConflictError, type ErrorCodes, integerDetails } from '@/common/domain-error.js';

export const MAX_ADDRESSES = 50;

export class AddressBookFullError extends ConflictError {
  static override readonly codes = {
    ADDRESS_BOOK_FULL: {
      status: 409,
      description: 'The address book is full: delete an address first',
      details: integerDetails({ max: MAX_ADDRESSES }),
    },
  } satisfies ErrorCodes;

  constructor() {
    super(`At most ${MAX_ADDRESSES} addresses: delete one first`, 'ADDRESS_BOOK_FULL', {
      max: MAX_ADDRESSES,
    });
  }
}
