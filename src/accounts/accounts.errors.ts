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

/** One answer for an unknown, used and expired reset token: a guess learns nothing. */
export class InvalidResetTokenError extends ValidationFailedError {
  override readonly code = 'INVALID_RESET_TOKEN';
  constructor() {
    const message = 'This password reset link is invalid, expired or already used';
    super(message, [{ field: 'token', message }]);
  }
}

export class InvalidVerificationTokenError extends ValidationFailedError {
  override readonly code = 'INVALID_VERIFICATION_TOKEN';
  constructor() {
    const message =
      'This verification link is invalid, expired, already used or for another address';
    super(message, [{ field: 'token', message }]);
  }
}

export class EmailAlreadyVerifiedError extends ConflictError {
  constructor() {
    super('Your email address is already verified', 'EMAIL_ALREADY_VERIFIED');
  }
}

/** REQUIRE_EMAIL_VERIFICATION: what needs a verified address answers this until it is. */
export class EmailNotVerifiedError extends DomainError {
  readonly code = 'EMAIL_NOT_VERIFIED';
  readonly status = 403;
  constructor() {
    super(
      'Verify your email address first: open the link we emailed you, or ask for a new one (POST /api/me/verify-email/resend)',
    );
  }
}
