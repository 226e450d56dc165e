/**
 * The CA's handler types, derived from `openapi/ca.yaml` through the types openapi-typescript
 * generates from it (`@kzpki/client/api-types/ca`, a types-only import): a handler's request
 * (path and query parameters, JSON body) and its result (success status, JSON body) are the spec's.
 */
import type { components, operations } from '@kzpki/client/api-types/ca';
import type { OperationRequest, OperationResult, RouteTable } from '@kzpki/server-kit';
import type { CaContext } from '../issuance/context.js';

/** The operations of `openapi/ca.yaml`. */
export type CaOperations = operations;

/** The schemas of `openapi/ca.yaml`. */
export type CaSchemas = components['schemas'];

/** One handler per operation of the CA API. */
export type CaRouteTable = RouteTable<CaOperations, CaContext>;

/** Some of the handlers (one file's); `satisfies CaHandlers` types each handler's request and result. */
export type CaHandlers = Partial<CaRouteTable>;

/** The validated request of operation `K`. */
export type CaRequest<K extends keyof CaOperations> = OperationRequest<CaOperations[K]>;

/** What the handler of operation `K` returns. */
export type CaResult<K extends keyof CaOperations> = OperationResult<CaOperations[K]>;

/** A request of any CA operation (what helpers that only read `bearer`, `ip` or headers take). */
export type AnyCaRequest = {
  bearer: string | undefined;
  ip: string;
  headers: CaRequest<'getHealth'>['headers'];
};
