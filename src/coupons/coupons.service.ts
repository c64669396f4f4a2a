import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { found, ValidationFailedError } from '@/common/domain-error.js';
import { type Page, pageOf, resolvePage } from '@/common/pagination.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { PgError, isPgError } from '@/database/pg-errors.js';
import { termsProblems } from './coupon-terms.js';
import { Coupon } from './coupon.entity.js';
import { CouponCodeTakenError } from './coupons.errors.js';
import {
  type CouponDto,
  type CreateCouponDto,
  type ListCouponsQueryDto,
  toCouponDto,
  type UpdateCouponDto,
} from './dto/coupon.dto.js';

/** Staff management of coupons. Nothing here is reachable by customers. */
@Injectable()
export class CouponsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async create(dto: CreateCouponDto): Promise<CouponDto> {
    const coupon = this.db.manager.create(Coupon, {
      code: dto.code,
      description: dto.description ?? null,
      discountType: dto.discountType,
      discountValue: dto.discountValue,
      startsAt: toDate(dto.startsAt) ?? null,
      endsAt: toDate(dto.endsAt) ?? null,
      minOrderAmount: dto.minOrderAmount ?? null,
      maxDiscountAmount: dto.maxDiscountAmount ?? null,
      usageLimit: dto.usageLimit ?? null,
      perUserLimit: dto.perUserLimit ?? null,
      isActive: dto.isActive ?? true,
    });
    assertTerms(coupon);
    await this.saveUnique(this.db.manager, coupon);
    return this.toDto(coupon, 0);
  }

  async list(query: ListCouponsQueryDto): Promise<Page<CouponDto>> {
    const { page, pageSize, offset } = resolvePage(query);
    const qb = this.db.manager
      .createQueryBuilder(Coupon, 'c')
      .orderBy('c.createdAt', 'DESC')
      .addOrderBy('c.id', 'DESC');
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      qb.andWhere('lower(c.code) LIKE :pattern', { pattern });
    }
    if (query.active !== undefined) qb.andWhere('c.isActive = :active', { active: query.active });
    const [coupons, total] = await qb.skip(offset).take(pageSize).getManyAndCount();
    const uses = await this.usesOf(coupons.map((c) => c.id));
    return pageOf(
      coupons.map((c) => this.toDto(c, uses.get(c.id) ?? 0)),
      total,
      page,
      pageSize,
    );
  }

  async get(id: string): Promise<CouponDto> {
    const coupon = await this.find(this.db.manager, id);
    return this.toDto(coupon, (await this.usesOf([id])).get(id) ?? 0);
  }

  /**
   * Every field optional; `null` clears a bound or limit. Locks the coupon as limited checkouts
   * do (`FOR NO KEY UPDATE`), so it waits for theirs only: `FOR UPDATE` would also wait for the
   * key-share locks of unlimited coupons' checkouts, which never queue behind it (a steady
   * promotion could hold a change off for as long as it runs).
   */
  async update(id: string, dto: UpdateCouponDto): Promise<CouponDto> {
    const coupon = await this.db.transaction(async (manager) => {
      const current = await this.find(manager, id, true);
      const { startsAt, endsAt, ...rest } = dto;
      Object.assign(current, definedOnly(rest));
      if (startsAt !== undefined) current.startsAt = toDate(startsAt) ?? null;
      if (endsAt !== undefined) current.endsAt = toDate(endsAt) ?? null;
      assertTerms(current);
      await this.saveUnique(manager, current);
      return current;
    });
    return this.toDto(coupon, (await this.usesOf([id])).get(id) ?? 0);
  }

  /** Deactivated coupons stay (orders refer to them) but no longer apply; idempotent. */
  async deactivate(id: string): Promise<CouponDto> {
    return this.update(id, { isActive: false });
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<Coupon> {
    return found(
      await manager.findOne(Coupon, {
        where: { id },
        ...(lock ? { lock: { mode: 'for_no_key_update' as const } } : {}),
      }),
      'Coupon',
    );
  }

  private async saveUnique(manager: EntityManager, coupon: Coupon): Promise<void> {
    try {
      await manager.save(coupon);
    } catch (error) {
      if (isPgError(error, PgError.UNIQUE_VIOLATION)) throw new CouponCodeTakenError();
      throw error;
    }
  }

  /** Uses held by orders (released ones excluded), per coupon. */
  private async usesOf(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<Array<{ coupon_id: string; n: number }>>(
      `SELECT coupon_id, count(*)::int AS n FROM coupon_redemptions
        WHERE coupon_id = ANY($1::uuid[]) AND released_at IS NULL GROUP BY coupon_id`,
      [ids],
    );
    return new Map(rows.map((r) => [r.coupon_id, r.n]));
  }

  private toDto(coupon: Coupon, timesUsed: number): CouponDto {
    return toCouponDto(coupon, timesUsed, this.config.currency);
  }
}

/** The fields the client sent (absent ones may be own properties set to `undefined`). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toDate(value: string | null | undefined): Date | null | undefined {
  return value === null || value === undefined ? value : new Date(value);
}

function assertTerms(coupon: Coupon): void {
  const problems = termsProblems(coupon);
  const first = problems[0];
  if (first) throw new ValidationFailedError(`${first.field}: ${first.message}`, problems);
}
