import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '@/common/auth.js';
import { found } from '@/common/domain-error.js';
import type { CreateAddressDto, UpdateAddressDto } from './dto/address.dto.js';
import { lockProfile } from './profile-lock.js';
import { AddressBookFullError, MAX_ADDRESSES } from './profiles.errors.js';
import { UserAddress } from './user-address.entity.js';

type DefaultKind = 'shipping' | 'billing';
const FLAG = { shipping: 'isDefaultShipping', billing: 'isDefaultBilling' } as const;

const blankToNull = (value: string | null | undefined): string | null | undefined =>
  typeof value === 'string' && value.trim() === '' ? null : value;

/**
 * A user's address book. Only the owner reaches an address: another user's id reads as not
 * found. Writes lock the user's profile row ({@link lockProfile}) so the single default
 * shipping and billing address hold under concurrent calls; partial unique indexes back them.
 */
@Injectable()
export class AddressesService {
  constructor(private readonly dataSource: DataSource) {}

  list(actor: AuthUser): Promise<UserAddress[]> {
    return this.dataSource.manager.find(UserAddress, {
      where: { userId: actor.id },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async get(actor: AuthUser, id: string): Promise<UserAddress> {
    return this.own(this.dataSource.manager, actor, id);
  }

  /** Adds an address; the first one becomes the default shipping and billing address. */
  async create(actor: AuthUser, dto: CreateAddressDto): Promise<UserAddress> {
    return this.dataSource.transaction(async (manager) => {
      await lockProfile(manager, actor.id);
      const existing = await manager.find(UserAddress, { where: { userId: actor.id } });
      if (existing.length >= MAX_ADDRESSES) throw new AddressBookFullError();
      const { isDefaultShipping, isDefaultBilling, ...fields } = dto;
      const shipping = isDefaultShipping ?? !existing.some((a) => a.isDefaultShipping);
      const billing = isDefaultBilling ?? !existing.some((a) => a.isDefaultBilling);
      if (shipping) await this.clearDefault(manager, actor.id, 'shipping');
      if (billing) await this.clearDefault(manager, actor.id, 'billing');
      return manager.save(
        manager.create(UserAddress, {
          userId: actor.id,
          label: blankToNull(fields.label) ?? null,
          fullName: fields.fullName,
          line1: fields.line1,
          line2: blankToNull(fields.line2) ?? null,
          city: fields.city,
          region: blankToNull(fields.region) ?? null,
          postalCode: fields.postalCode,
          country: fields.country,
          phone: blankToNull(fields.phone) ?? null,
          isDefaultShipping: shipping,
          isDefaultBilling: billing,
        }),
      );
    });
  }

  async update(actor: AuthUser, id: string, dto: UpdateAddressDto): Promise<UserAddress> {
    return this.dataSource.transaction(async (manager) => {
      await lockProfile(manager, actor.id);
      const entry = await this.own(manager, actor, id);
      for (const key of ['fullName', 'line1', 'city', 'postalCode', 'country'] as const) {
        const value = dto[key];
        if (value !== undefined) entry[key] = value;
      }
      for (const key of ['label', 'line2', 'region', 'phone'] as const) {
        const value = blankToNull(dto[key]);
        if (value !== undefined) entry[key] = value;
      }
      return manager.save(entry);
    });
  }

  /** Deletes the address; if it was a default, there is no default of that kind until one is set. */
  async delete(actor: AuthUser, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await lockProfile(manager, actor.id);
      const entry = await this.own(manager, actor, id);
      await manager.delete(UserAddress, { id: entry.id });
    });
  }

  /** Makes the address the default of its kind; the previous default stops being it. */
  async setDefault(actor: AuthUser, id: string, kind: DefaultKind): Promise<UserAddress> {
    return this.dataSource.transaction(async (manager) => {
      await lockProfile(manager, actor.id);
      const entry = await this.own(manager, actor, id);
      if (entry[FLAG[kind]]) return entry;
      await this.clearDefault(manager, actor.id, kind);
      await manager.update(UserAddress, { id: entry.id }, { [FLAG[kind]]: true });
      return this.own(manager, actor, id);
    });
  }

  private async own(manager: EntityManager, actor: AuthUser, id: string): Promise<UserAddress> {
    return found(
      await manager.findOne(UserAddress, { where: { id, userId: actor.id } }),
      'Address',
    );
  }

  private async clearDefault(
    manager: EntityManager,
    userId: string,
    kind: DefaultKind,
  ): Promise<void> {
    await manager.update(UserAddress, { userId, [FLAG[kind]]: true }, { [FLAG[kind]]: false });
  }
}
