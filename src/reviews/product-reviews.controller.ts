import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Public } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto } from '@/common/pagination.js';
import { CreateReviewDto, ListProductReviewsQueryDto, ReviewDto } from './dto/review.dto.js';
import { ReviewsService } from './reviews.service.js';

@ApiTags('reviews')
@Controller('api/products/:idOrSlug/reviews')
@ApiParam({ name: 'idOrSlug', description: "The product's slug, or its id" })
export class ProductReviewsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: "A product's reviews",
    description:
      'Approved reviews only, newest first unless `sort` says otherwise. An unknown or inactive product is a 404.',
  })
  @ApiOkResponse({ type: PageDto(ReviewDto) })
  @ApiErrors(400, 404)
  listProductReviews(
    @Param('idOrSlug') idOrSlug: string,
    @Query() query: ListProductReviewsQueryDto,
  ): Promise<Page<ReviewDto>> {
    return this.reviews.listForProduct(idOrSlug, query);
  }

  @Post()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Review a product you received',
    description:
      'Needs a delivered order containing the product (else 403 `PURCHASE_REQUIRED`); one review per customer and product (else 409 `REVIEW_EXISTS`). The review is `pending` until staff approve it: only you and staff see it meanwhile.',
  })
  @ApiCreatedResponse({ type: ReviewDto })
  @ApiBodyErrors()
  @ApiErrors(401, 403, 404, 409)
  createReview(
    @CurrentUser() actor: AuthUser,
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: CreateReviewDto,
  ): Promise<ReviewDto> {
    return this.reviews.create(actor, idOrSlug, dto);
  }
}
