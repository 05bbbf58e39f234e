import { randomUUID } from 'node:crypto';

/** The error body Log Analytics sends: {error: {code, message, correlationId, innererror?}}. */
export interface AzureErrorBody {
  error: {
    code: string;
    message: string;
    correlationId: string;
    innererror?: Record<string, unknown>;
  };
}

/** A request the server refuses, with the status and Azure error code to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innererror?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(code: string, message: string, innererror?: Record<string, unknown>): AzureErrorBody {
  return { error: { code, message, correlationId: randomUUID(), ...(innererror ? { innererror } : {}) } };
}

/** Azure's code for a status the server is told to fail with. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadArgumentError';
    case 401:
      return 'AuthorizationRequiredError';
    case 403:
      return 'InsufficientAccessError';
    case 404:
      return 'WorkspaceNotFoundError';
    case 408:
      return 'RequestTimeout';
    case 429:
      return 'ThrottledError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return status >= 500 ? 'InternalServerError' : 'BadRequest';
  }
}
