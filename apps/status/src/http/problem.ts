/**
 * The status service's problem documents: the server kit's RFC 9457 helpers with the HTTP status
 * of each {@link StatusErrorCode}. Written through express or on a raw Node response (the OCSP and
 * download fast paths).
 */
import {
  PROBLEM_CONTENT_TYPE,
  type ProblemDocument,
  problemDocument,
  problemOf,
  problemType,
  sendProblem,
  type ValidationIssue,
} from '@kzpki/server-kit';
import { STATUS_ERROR_HTTP, type StatusErrorCode } from '../errors.js';

export { PROBLEM_CONTENT_TYPE, problemType, sendProblem };

/** The body of an error response (`Problem` in `openapi/status.yaml`). */
export interface Problem extends ProblemDocument {
  code: StatusErrorCode;
}

/**
 * The problem document of a status code.
 * @example
 * ```ts
 * problem('ERR_APPLICATION_NOT_FOUND', 'No application with this number').status; // 404
 * ```
 */
export function problem(code: StatusErrorCode, detail?: string, errors?: ValidationIssue[]): Problem {
  return problemDocument(code, STATUS_ERROR_HTTP[code], detail, errors?.length ? { errors } : {}) as Problem;
}

/**
 * The problem body for anything thrown by a handler: a {@link StatusError} (or a kit error) keeps
 * its code, message and details; anything else becomes `ERR_INTERNAL` without its message.
 */
export function problemFromError(e: unknown): Problem {
  return problemOf(e) as Problem;
}
