import { Transform } from 'class-transformer';

/** Query-string booleans: exactly `true` or `false` (anything else fails `@IsBoolean`). */
export const QueryBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

/** Query-string integers: digits only (so `1e3`, `0x10` or `5.5` fail `@IsInt`). */
export const QueryInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value,
  );

/** Trims strings; an empty string reads as absent. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  });
