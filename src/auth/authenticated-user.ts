import type { Role } from '../users/user.entity.js';

/** Who is calling: attached to the request by the JWT guard. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** Set when the caller authenticated with an API key: `id` is then the key's creator. */
  apiKeyId?: string;
}

export interface AuthenticatedRequest {
  user?: AuthenticatedUser;
}
