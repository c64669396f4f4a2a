import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UsersService } from '@/accounts/users.service.js';
import type { Address } from '@/common/address.js';
import { toAddress, UserAddress } from './user-address.entity.js';

export interface DefaultAddresses {
  /** The default shipping address, or null when the user has none. */
  shipping: Address | null;
  /** The default billing address, or null when the user has none. */
  billing: Address | null;
}

/**
 * What checkout uses when an order gives no address: the address book's default shipping and
 * billing addresses. Without a default shipping address in the book, the shipping address
 * saved with `updateMe` (the account's `defaultShippingAddress`) is used. Billing falls back to
 * nothing here: checkout's own rule (billing = shipping) applies.
 */
@Injectable()
export class DefaultAddressProvider {
  constructor(private readonly users: UsersService) {}

  /**
   * Reads through `manager`, so checkout can call it inside its transaction. With
   * `needShipping: false` (the order names its shipping address) the account's saved shipping
   * address is not looked up: one round trip less in the checkout transaction.
   */
  async getDefaultAddresses(
    userId: string,
    manager: EntityManager,
    { needShipping = true }: { needShipping?: boolean } = {},
  ): Promise<DefaultAddresses> {
    const defaults = await manager
      .createQueryBuilder(UserAddress, 'a')
      .where('a.userId = :userId', { userId })
      .andWhere('(a.isDefaultShipping OR a.isDefaultBilling)')
      .getMany();
    const shipping = defaults.find((a) => a.isDefaultShipping);
    const billing = defaults.find((a) => a.isDefaultBilling);
    return {
      shipping: shipping
        ? toAddress(shipping)
        : needShipping
          ? await this.users.savedShippingAddress(userId, manager)
          : null,
      billing: billing ? toAddress(billing) : null,
    };
  }
}
