import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser, OptionalAuth, OptionalUser, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto, PageQueryDto } from '@/common/pagination.js';
import {
  ListReviewsQueryDto,
  ModerateReviewDto,
  ReviewDto,
  UpdateReviewDto,
} from './dto/review.dto.js';
import { ReviewChangesService } from './review-changes.service.js';
import { ReviewsService } from './reviews.service.js';

@ApiTags('reviews')
@Controller('api/reviews')
export class ReviewsController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly changes: ReviewChangesService,
  ) {}

  @Get()
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: 'Every review (staff): the moderation queue',
    description:
      'Filter by `status` (e.g. `pending`), `productId`, `userId`, `rating`; oldest first unless `sort` says otherwise.',
  })
  @ApiOkResponse({ type: PageDto(ReviewDto) })
  @ApiErrors(400)
  listReviews(@Query() query: ListReviewsQueryDto): Promise<Page<ReviewDto>> {
    return this.reviews.listAll(query);
  }

  @Get('mine')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Your reviews',
    description: 'Every status (with the moderator’s note), newest first.',
  })
  @ApiOkResponse({ type: PageDto(ReviewDto) })
  @ApiErrors(400, 401)
  listMyReviews(
    @CurrentUser() actor: AuthUser,
    @Query() query: PageQueryDto,
  ): Promise<Page<ReviewDto>> {
    return this.reviews.listMine(actor, query);
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({
    summary: 'A review',
    description:
      'Approved reviews of active products are public; a pending or rejected one, or one of an inactive product (hidden as the product is), is 404 except for its author and staff.',
  })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404)
  getReview(
    @Param('id', ParseUUIDPipe) id: string,
    @OptionalUser() viewer: AuthUser | undefined,
  ): Promise<ReviewDto> {
    return this.reviews.get(id, viewer);
  }

  @Patch(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Edit your review',
    description:
      'Every field optional. The edited review goes back to `pending` (and out of the product’s rating until approved again). Another user’s review is 404.',
  })
  @ApiOkResponse({ type: ReviewDto })
  @ApiBodyErrors()
  @ApiErrors(401, 404)
  updateReview(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateReviewDto,
  ): Promise<ReviewDto> {
    return this.changes.edit(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Delete a review (its author, or staff)',
    description: 'The product’s rating is updated at once. Another user’s review is 404.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 404)
  async deleteReview(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.changes.delete(actor, id);
  }

  @Patch(':id/status')
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: 'Approve or reject a review (staff)',
    description:
      '`{status: approved | rejected, note?}`. The product’s `ratingAverage` and `reviewCount` change in the same transaction. The status it already has → 409 `REVIEW_ALREADY_IN_STATUS`.',
  })
  @ApiOkResponse({ type: ReviewDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  moderateReview(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ModerateReviewDto,
  ): Promise<ReviewDto> {
    return this.changes.moderate(actor, id, dto);
  }
}
