import type { Response } from 'supertest';

/** The body of every error answer (src/common/errors): what a client can rely on. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: Array<{ field: string; messages: string[] }>;
  requestId: string;
}

/** supertest types every body as `any`; this names the shape the API contract promises instead. */
export const bodyOf = <T>(response: Response): T => response.body as T;

export const errorOf = (response: Response): ErrorBody => bodyOf<ErrorBody>(response);

/** The fields a 400 names, in the order the server gave them. */
export const fieldsOf = (response: Response): string[] =>
  (errorOf(response).details ?? []).map((detail) => detail.field);
