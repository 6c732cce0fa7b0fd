import { type ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';

import { type FieldError, ValidationError } from '../errors/domain-error.js';

/**
 * The rules a field is checked against, in the order a person fixes them: there at all, then of the
 * right type, then the right shape. Everything else (length, range, format) comes after these.
 */
const FIRST_THINGS_FIRST = [
  'whitelistValidation',
  'isDefined',
  'isNotEmpty',
  'nestedValidation',
  'isObject',
  'isArray',
  'isString',
  'isBoolean',
  'isInt',
  'isNumber',
  'isIn',
  'isEnum',
  'isUuid',
];

const rank = (constraint: string) => {
  const index = FIRST_THINGS_FIRST.indexOf(constraint);
  return index === -1 ? FIRST_THINGS_FIRST.length : index;
};

/**
 * The one message that matters for a field: a missing e-mail is "should not be empty", not also
 * "must be shorter than 254 characters". class-validator lists the decorators bottom-up, so the
 * order it gives says nothing.
 */
function mostRelevantMessage(constraints: Record<string, string>): string {
  const [first] = Object.entries(constraints).sort(([a], [b]) => rank(a) - rank(b));
  return first[1];
}

/** Flattens class-validator's tree into `details` entries named by their dotted path (`audience.tags.0`). */
export function flattenValidationErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own =
      error.constraints && Object.keys(error.constraints).length > 0
        ? [{ field, messages: [mostRelevantMessage(error.constraints)] }]
        : [];
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
