import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';

/** Opens a route to unauthenticated callers (health, login, provider webhooks). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
