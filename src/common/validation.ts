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

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why PostgreSQL cannot store `text` (text and jsonb), or `undefined` when it can. */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no unpaired surrogates)';
  return undefined;
}

/**
 * The dotted path of the first string or key in `value` that PostgreSQL cannot store (a NUL
 * character; an unpaired surrogate, which jsonb refuses), and why; `undefined` when there is
 * none. Walks without recursion.
 */
export function unstorableText(value: unknown): FieldError | undefined {
  const pending: Array<[unknown, string]> = [[value, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, path] = next;
    if (typeof node === 'string') {
      const message = unstorable(node);
      if (message) return { field: path, message };
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      const message = unstorable(key);
      if (message) return { field: childPath, message };
      pending.push([child, childPath]);
    }
  }
  return undefined;
}

/** The 400 for text PostgreSQL cannot store anywhere in a request's path, query or body. */
export function unstorableTextError(request: {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}): ValidationFailedError | undefined {
  const problem =
    unstorableText(request.params) ?? unstorableText(request.query) ?? unstorableText(request.body);
  if (problem === undefined) return undefined;
  const field = problem.field === '' ? 'body' : problem.field;
  return new ValidationFailedError(`${field}: ${problem.message}`, [
    { field, message: problem.message },
  ]);
}
