import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { type FieldError, ValidationFailedError } from './domain-error.js';

/**
 * One message per field: the failing constraint declared first in the source. class-validator
 * runs a property's decorators bottom-up, so with `stopAtFirstError` a missing `email` was
 * reported by the bottom `@MaxLength` ("must be shorter than…") instead of the top `@IsEmail`;
 * all constraints are run and the last one listed (the topmost decorator) is kept.
 */
function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const message = Object.values(error.constraints ?? {}).at(-1);
    const own = message === undefined ? [] : [{ field, message }];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The global validation pipe: DTOs are whitelists (an unknown field is a 400), values are
 * transformed into the DTO classes, and every problem is reported in `details`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const first = details[0];
      const message = first ? `${first.field}: ${first.message}` : 'Request validation failed';
      return new ValidationFailedError(message, details);
    },
  });
}
