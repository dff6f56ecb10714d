// The console's one way to call the admin API: same origin, the session cookie, and the
// `X-Requested-With: console` header on unsafe methods (the API refuses them without it).
// Answers are the API's envelope `{"err":0,"data":…}`; refusals become ApiError with the
// French `err_desc` to show. An expired session sends the browser to sign in again.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errClass: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where to sign in again, coming back to this page afterwards. */
export function loginUrl(returnTo: string = location.pathname + location.search): string {
  return `/console/login?return=${encodeURIComponent(returnTo)}`;
}

type Json = Record<string, unknown>;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-requested-with'] = 'console';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 401) {
    location.assign(loginUrl());
    throw new ApiError(401, 'unauthorized', 'Session expirée : reconnexion…');
  }
  let payload: Json | undefined;
  try {
    payload = (await response.json()) as Json;
  } catch {
    payload = undefined;
  }
  if (!response.ok || !payload || payload['err'] !== 0) {
    const errClass = typeof payload?.['err_class'] === 'string' ? payload['err_class'] : `http-${response.status}`;
    const message = typeof payload?.['err_desc'] === 'string' ? payload['err_desc'] : `Erreur ${response.status} du service.`;
    throw new ApiError(response.status, errClass, message);
  }
  return payload['data'] as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

/** Who is signed in (GET /console/session). */
export interface SessionInfo {
  sub: string;
  name: string;
  organiser: boolean;
}

export const getSession = () => call<SessionInfo>('GET', '/console/session');
