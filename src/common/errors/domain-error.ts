/**
 * Every failure a caller can act on is a DomainError with a code; the one exception filter maps
 * codes to HTTP statuses, so services never speak HTTP.
 */
export enum ErrorCode {
  Validation = 'validation',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  UnsupportedMediaType = 'unsupported_media_type',
  Unprocessable = 'unprocessable',
  TooManyRequests = 'too_many_requests',
  Unavailable = 'unavailable',
}

export interface FieldError {
  field: string;
  messages: string[];
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: FieldError[]) {
    super(ErrorCode.Validation, message, details);
  }

  static forField(field: string, message: string): ValidationError {
    return new ValidationError(`${field} ${message}`, [{ field, messages: [message] }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super(ErrorCode.NotFound, id ? `${resource} ${id} not found` : `${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.Conflict, message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super(ErrorCode.Unauthenticated, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You do not have permission to do this') {
    super(ErrorCode.Forbidden, message);
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.UnsupportedMediaType, message);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.Unprocessable, message);
  }
}

export class UnavailableError extends DomainError {
  constructor(message = 'Service temporarily unavailable') {
    super(ErrorCode.Unavailable, message);
  }
}
