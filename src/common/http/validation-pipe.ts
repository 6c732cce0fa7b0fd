import { type ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';

import { type FieldError, ValidationError } from '../errors/domain-error.js';

/** Flattens class-validator's tree into `details` entries named by their dotted path (`audience.tags.0`). */
export function flattenValidationErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const summary = details.flatMap((detail) => detail.messages).join('; ');
      return new ValidationError(`Validation failed: ${summary}`, details);
    },
  });
}
