/** The router's view of a request and of an operation handler. */
import type { ApiResponse } from '../http/idempotency.js';
import type { CaContext } from '../issuance/context.js';

/** A validated request. */
export interface ApiRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: the body was validated against the operation's schema
  body: any;
  /** Client address. */
  ip: string;
  /** Bearer token of the Authorization header. */
  bearer?: string;
  /** Idempotency-Key header. */
  idempotencyKey?: string;
}

/** Handles one operation of the spec. */
export type OperationHandler = (ctx: CaContext, req: ApiRequest) => Promise<ApiResponse>;

/** Handlers by operationId. */
export type OperationHandlers = Record<string, OperationHandler>;
