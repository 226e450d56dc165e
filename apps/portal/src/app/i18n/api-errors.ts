/**
 * Every error code an HTTP answer can carry to the portal: the CA's (`openapi/ca.yaml`
 * `ErrorCode`), the status service's (`openapi/status.yaml` `Problem.code`) and the portal
 * server's own (its proxy and static files). Each has a message `err.<code>` in every language;
 * the message tables are type-checked against this union and test/i18n.test.ts checks them
 * against the specs themselves.
 */
import type { CaErrorCode, StatusErrorCode } from '@kzpki/client';

/** Codes of the portal server's own problem documents (`src/server`). */
export const PORTAL_SERVER_ERROR_CODES = [
  'ERR_NOT_FOUND',
  'ERR_BAD_REQUEST_TARGET',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_BAD_GATEWAY',
] as const;

/** A code of the portal server. */
export type PortalServerErrorCode = (typeof PORTAL_SERVER_ERROR_CODES)[number];

/** Any code an API answer may carry. */
export type ApiErrorCode = CaErrorCode | StatusErrorCode | PortalServerErrorCode;

/** The message key of an API error code. */
export type ApiErrorKey = `err.${ApiErrorCode}`;
