/** An error answered as the documented envelope `{error: {code, message, status}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; status: number } } {
    return { error: { code: this.code, message: this.message, status: this.status } };
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, 'BAD_REQUEST', message);

export const validationError = (message: string): ApiError => new ApiError(422, 'VALIDATION_ERROR', message);

export const unprocessable = (code: string, message: string): ApiError => new ApiError(422, code, message);

export const conflict = (message: string): ApiError => new ApiError(409, 'CONFLICT', message);

export const forbidden = (): ApiError =>
  new ApiError(403, 'FORBIDDEN', 'Insufficient permissions to access this resource');

/** Default envelope for a status, used for injected faults without a body. */
export function defaultErrorFor(status: number): ApiError {
  switch (status) {
    case 400:
      return badRequest('Bad request');
    case 401:
      return new ApiError(401, 'UNAUTHORIZED', 'Invalid or missing authentication token');
    case 403:
      return forbidden();
    case 404:
      return new ApiError(404, 'NOT_FOUND', 'Resource not found');
    case 409:
      return conflict('Conflict');
    case 422:
      return validationError('Validation failed');
    case 429:
      return rateLimited(60);
    case 500:
      return new ApiError(500, 'INTERNAL_ERROR', 'Internal server error');
    case 502:
      return new ApiError(502, 'BAD_GATEWAY', 'Bad gateway');
    case 503:
      return new ApiError(503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
    case 504:
      return new ApiError(504, 'GATEWAY_TIMEOUT', 'Gateway timeout');
    default:
      return new ApiError(status, `HTTP_${status}`, `HTTP ${status}`);
  }
}

export const rateLimited = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'RATE_LIMITED', `Rate limit exceeded. Try again in ${retryAfterSeconds} seconds.`);
