import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_QUERY_TOKEN = 'auth:acceptsQueryToken';

/**
 * Lets a route also take the access token as `?access_token=`, for clients that cannot set headers
 * (the browser's EventSource). Only for GET routes whose URLs are not logged with their query.
 */
export const AcceptsQueryToken = () => SetMetadata(ACCEPTS_QUERY_TOKEN, true);
