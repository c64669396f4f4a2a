import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '@/common/auth.js';
import { found, ValidationFailedError } from '@/common/domain-error.js';
import { type Page, type PageQueryDto, pageOf, resolvePage } from '@/common/pagination.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import {
  type CreateWebhookEndpointDto,
  toWebhookEndpointDto,
  type UpdateWebhookEndpointDto,
  type WebhookEndpointDto,
  type WebhookEndpointWithSecretDto,
  type WebhookSecretDto,
} from './dto/webhook-endpoint.dto.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { newWebhookSecret } from './webhook-signer.js';
import { forbiddenUrlReason } from './webhook-target-guard.js';
import { WebhookTargetForbiddenError } from './webhooks.errors.js';

/** Registering, changing and removing webhook endpoints (admins), and rotating their secrets. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async create(
    actor: AuthUser,
    dto: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    this.assertAllowedTarget(dto.url);
    const secret = newWebhookSecret();
    const [{ id }] = (
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(WebhookEndpoint)
        .values({
          url: dto.url,
          description: dto.description ?? null,
          eventTypes: dto.events,
          secret,
          createdBy: actor.id,
        })
        .returning('id')
        .execute()
    ).raw as [{ id: string }];
    return { ...toWebhookEndpointDto(await this.find(this.dataSource.manager, id)), secret };
  }

  async list(query: PageQueryDto): Promise<Page<WebhookEndpointDto>> {
    const { page, pageSize, offset } = resolvePage(query);
    const [endpoints, total] = await this.dataSource.manager.findAndCount(WebhookEndpoint, {
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: offset,
      take: pageSize,
    });
    return pageOf(endpoints.map(toWebhookEndpointDto), total, page, pageSize);
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    return toWebhookEndpointDto(await this.find(this.dataSource.manager, id));
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    if (dto.url !== undefined) this.assertAllowedTarget(dto.url);
    return this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, id, true);
      if (dto.url !== undefined) endpoint.url = dto.url;
      if (dto.events !== undefined) endpoint.eventTypes = dto.events;
      if (dto.description !== undefined) endpoint.description = dto.description;
      if (dto.enabled === false && endpoint.enabled) {
        Object.assign(endpoint, {
          enabled: false,
          disabledAt: new Date(),
          disabledReason: 'disabled by an admin',
        });
        // Its open deliveries end here; a job that still runs finds them cancelled.
        await manager.query(
          `UPDATE webhook_deliveries SET status = 'cancelled'
            WHERE endpoint_id = $1 AND status IN ('pending', 'retrying')`,
          [id],
        );
      } else if (dto.enabled === true) {
        Object.assign(endpoint, {
          enabled: true,
          disabledAt: null,
          disabledReason: null,
          failingSince: null,
        });
      }
      endpoint.updatedAt = new Date();
      await manager.save(endpoint);
      return toWebhookEndpointDto(endpoint);
    });
  }

  /** Deletes the endpoint with its deliveries and their log; queued jobs find nothing to send. */
  async delete(id: string): Promise<void> {
    const result = await this.dataSource.manager.delete(WebhookEndpoint, { id });
    found(result.affected ? true : undefined, 'Webhook endpoint');
  }

  /**
   * A new secret, shown once. The previous one keeps signing (both signatures in
   * `webhook-signature`) for `WEBHOOK_SECRET_ROTATION_GRACE`, so receivers can switch without
   * refusing a delivery.
   */
  async rotateSecret(id: string): Promise<WebhookSecretDto> {
    return this.dataSource.transaction(async (manager) => {
      const endpoint = await this.find(manager, id, true);
      const grace = this.config.webhooks.secretRotationGraceSeconds;
      const expires = new Date(Date.now() + grace * 1000);
      endpoint.previousSecret = endpoint.secret;
      endpoint.previousSecretExpiresAt = expires;
      endpoint.secret = newWebhookSecret();
      endpoint.updatedAt = new Date();
      await manager.save(endpoint);
      return { secret: endpoint.secret, previousSecretExpiresAt: expires.toISOString() };
    });
  }

  private async find(manager: EntityManager, id: string, lock = false): Promise<WebhookEndpoint> {
    return found(
      await manager.findOne(WebhookEndpoint, {
        where: { id },
        ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      }),
      'Webhook endpoint',
    );
  }

  /** Refuses a URL whose host is a forbidden address (IP literal or localhost name) at once. */
  private assertAllowedTarget(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationFailedError('url is not a valid URL', [
        { field: 'url', message: 'url must be an http(s) URL' },
      ]);
    }
    const reason = forbiddenUrlReason(parsed, this.config.webhooks.allowPrivateTargets);
    if (reason) throw new WebhookTargetForbiddenError(reason);
  }
}
