import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@/accounts/accounts.module.js';
import { CatalogModule } from '@/catalog/index.js';
import { OrdersModule } from '@/orders/orders.module.js';
import { ProductReviewsController } from './product-reviews.controller.js';
import { Review } from './review.entity.js';
import { ReviewChangesService } from './review-changes.service.js';
import { ReviewsController } from './reviews.controller.js';
import { ReviewsService } from './reviews.service.js';

/** Product reviews: written by customers who received the product, moderated by staff. */
@Module({
  imports: [TypeOrmModule.forFeature([Review]), AccountsModule, CatalogModule, OrdersModule],
  controllers: [ProductReviewsController, ReviewsController],
  providers: [ReviewsService, ReviewChangesService],
})
export class ReviewsModule {}
