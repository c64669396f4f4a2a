import {
  ConflictError,
  DomainError,
  UnauthorizedError,
  ValidationFailedError,
} from '@/common/domain-error.js';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists', 'EMAIL_TAKEN');
  }
}

export class WeakPasswordError extends ValidationFailedError {
  override readonly code = 'WEAK_PASSWORD';
  constructor(reason: string, field = 'password') {
    super(reason, [{ field, message: reason }]);
  }
}

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Invalid email or password', 'INVALID_CREDENTIALS');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('Refresh token is invalid, expired or already used', 'INVALID_REFRESH_TOKEN');
  }
}

export class WrongCurrentPasswordError extends DomainError {
  readonly code = 'WRONG_CURRENT_PASSWORD';
  readonly status = 400;
  constructor() {
    super('Current password is wrong', [
      { field: 'currentPassword', message: 'Current password is wrong' },
    ]);
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('This is the last admin: promote another user to admin first', 'LAST_ADMIN');
  }
}
