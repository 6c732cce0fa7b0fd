import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { ValidationError } from '../common/errors/domain-error.js';
import { flattenValidationErrors } from '../common/http/validation-pipe.js';
import { CONFIG_DTO_BY_PROVIDER } from './dto/provider-config.dto.js';
import type { ChannelConfigByKind, ProviderKind } from './providers/channel-provider.interface.js';

/**
 * Validates a channel's config against its provider's schema (the body DTO cannot know which one
 * applies until it has read `provider`). Errors name fields as `config.<field>`.
 */
export function validateChannelConfig<K extends ProviderKind>(
  provider: K,
  config: unknown,
): ChannelConfigByKind[K] {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw ValidationError.forField('config', 'must be an object');
  }
  const dto: ClassConstructor<object> = CONFIG_DTO_BY_PROVIDER[provider];
  const instance = plainToInstance(dto, config);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const details = flattenValidationErrors(errors, 'config');
    throw new ValidationError(`Validation failed: ${details.flatMap((d) => d.messages).join('; ')}`, details);
  }
  return instance as unknown as ChannelConfigByKind[K];
}
