import { ApiError } from './errors';
import { type HttpRequest, send } from './http';
import { session } from './session';

/**
 * The signed-in client: adds the bearer token, and on a 401 refreshes the session once and retries
 * (the access token may have expired between the check and the call). A second 401 ends the session.
 */
export async function call<T>(request: Omit<HttpRequest, 'accessToken'>): Promise<T> {
  const token = await session.validAccessToken();
  if (!token) throw new ApiError(401, undefined);
  try {
    return await send<T>({ ...request, accessToken: token });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    const fresh = await session.refresh();
    if (!fresh) throw error;
    try {
      return await send<T>({ ...request, accessToken: fresh });
    } catch (retryError) {
      if (retryError instanceof ApiError && retryError.status === 401) session.end();
      throw retryError;
    }
  }
}
