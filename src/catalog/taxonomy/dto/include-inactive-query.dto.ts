import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { QueryBoolean } from '@/common/query-transforms.js';

export class IncludeInactiveQueryDto {
  @ApiPropertyOptional({ description: 'Staff only: include inactive items (ignored for others)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeInactive?: boolean;
}
