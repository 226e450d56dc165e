/**
 * `application/problem+json` error bodies (RFC 9457) with the stable `code` of
 * {@link StatusErrorCode}, written either through express or on a raw Node response (the OCSP
 * fast path).
 */
import type { ServerResponse } from 'node:http';
import { STATUS_ERROR_HTTP, StatusError, type StatusErrorCode } from '../errors.js';
import type { ValidationIssue } from './openapi.js';

/** The body of an error response (`Problem` in `openapi/status.yaml`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: StatusErrorCode;
  errors?: ValidationIssue[];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Media type of {@link Problem} bodies. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * The problem type URI of a code, in the form the CA uses too:
 * `ERR_APPLICATION_NOT_FOUND` → `https://kzpki.dev/problems/application-not-found`.
 */
export function problemType(code: StatusErrorCode): string {
  return `https://kzpki.dev/problems/${code.replace(/^ERR_/, '').toLowerCase().replace(/_/g, '-')}`;
}

/** Builds the problem body for an error code. */
export function problem(code: StatusErrorCode, detail?: string, errors?: ValidationIssue[]): Problem {
  const status = STATUS_ERROR_HTTP[code];
  return {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(errors?.length ? { errors } : {}),
  };
}

/**
 * The problem body for anything thrown by a handler: a {@link StatusError} keeps its code and
 * message; anything else becomes `ERR_INTERNAL` without leaking its message.
 */
export function problemFromError(e: unknown): Problem {
  if (e instanceof StatusError) {
    const errors = e.details?.errors as ValidationIssue[] | undefined;
    return problem(e.code, e.message, errors);
  }
  return problem('ERR_INTERNAL', 'Internal error');
}

/** Writes a problem on a raw Node response. */
export function sendProblem(
  res: ServerResponse,
  p: Problem,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = JSON.stringify(p);
  res.writeHead(p.status, {
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}
