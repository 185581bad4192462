// RFC 6750 b64token: anything else (stray spaces, a missing "Bearer ") is refused without an upstream call.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** The caller's token from its `Authorization` header; `null` when it sent none (or not as `Bearer`). */
export function bearerToken(header: string | null): string | null {
  return header?.match(BEARER)?.[1] ?? null;
}
