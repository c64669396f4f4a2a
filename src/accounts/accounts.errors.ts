import {
  ConflictError,
  DomainError,
  UnauthorizedError,
  ValidationFailedError,
  type ErrorCodes,
  FIELD_ERRORS,
} from '@/common/domain-error.js';

export class EmailTakenError extends ConflictError {
  static override readonly codes = {
    EMAIL_TAKEN: { status: 409, description: 'An account with this email already exists' },
  } satisfies ErrorCodes;

  constructor() {
    super('An account with this email already exists', 'EMAIL_TAKEN');
  }
}

export class WeakPasswordError extends ValidationFailedError {
  static override readonly codes = {
    WEAK_PASSWORD: {
      status: 400,
      description: 'The password is too weak, too common or too like your other details',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'WEAK_PASSWORD';
  constructor(reason: string, field = 'password') {
    super(reason, [{ field, message: reason }]);
  }
}

export class InvalidCredentialsError extends UnauthorizedError {
  static override readonly codes = {
    INVALID_CREDENTIALS: { status: 401, description: 'Wrong email or password' },
  } satisfies ErrorCodes;

  constructor() {
    super('Invalid email or password', 'INVALID_CREDENTIALS');
  }
}

export class InvalidRefreshTokenError extends UnauthorizedError {
  static override readonly codes = {
    INVALID_REFRESH_TOKEN: {
      status: 401,
      description: 'The refresh token is invalid, expired or already used: log in again',
    },
  } satisfies ErrorCodes;

  constructor() {
    super('Refresh token is invalid, expired or already used', 'INVALID_REFRESH_TOKEN');
  }
}

export class WrongCurrentPasswordError extends DomainError {
  static override readonly codes = {
    WRONG_CURRENT_PASSWORD: {
      status: 400,
      description: 'The current password is wrong',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  readonly code = 'WRONG_CURRENT_PASSWORD';
  readonly status = 400;
  constructor() {
    super('Current password is wrong', [
      { field: 'currentPassword', message: 'Current password is wrong' },
    ]);
  }
}

export class LastAdminError extends ConflictError {
  static override readonly codes = {
    LAST_ADMIN: { status: 409, description: 'This is the last admin: promote another user first' },
  } satisfies ErrorCodes;

  constructor() {
    super('This is the last admin: promote another user to admin first', 'LAST_ADMIN');
  }
}

/** One answer for an unknown, used and expired reset token: a guess learns nothing. */
export class InvalidResetTokenError extends ValidationFailedError {
  static override readonly codes = {
    INVALID_RESET_TOKEN: {
      status: 400,
      description: 'The password reset link is invalid, expired or already used',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'INVALID_RESET_TOKEN';
  constructor() {
    const message = 'This password reset link is invalid, expired or already used';
    super(message, [{ field: 'token', message }]);
  }
}

export class InvalidVerificationTokenError extends ValidationFailedError {
  static override readonly codes = {
    INVALID_VERIFICATION_TOKEN: {
      status: 400,
      description: 'The verification link is invalid, expired, already used or for another address',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'INVALID_VERIFICATION_TOKEN';
  constructor() {
    const message =
      'This verification link is invalid, expired, already used or for another address';
    super(message, [{ field: 'token', message }]);
  }
}

export class EmailAlreadyVerifiedError extends ConflictError {
  static override readonly codes = {
    EMAIL_ALREADY_VERIFIED: { status: 409, description: 'Your email address is already verified' },
  } satisfies ErrorCodes;

  constructor() {
    super('Your email address is already verified', 'EMAIL_ALREADY_VERIFIED');
  }
}

/** REQUIRE_EMAIL_VERIFICATION: what needs a verified address answers this until it is. */
export class EmailNotVerifiedError extends DomainError {
  static override readonly codes = {
    EMAIL_NOT_VERIFIED: {
      status: 403,
      description: 'Verify your email address first (the link we emailed, or ask for a new one)',
    },
  } satisfies ErrorCodes;

  readonly code = 'EMAIL_NOT_VERIFIED';
  readonly status = 403;
  constructor() {
    super(
      'Verify your email address first: open the link we emailed you, or ask for a new one (POST /api/me/verify-email/resend)',
    );
  }
}
