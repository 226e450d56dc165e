/**
 * `@kzpki/server-kit`: what the kzpki CA and status service share over HTTP.
 *
 * - {@link OpenApiValidator}: the OpenAPI 3.1 document compiled once with ajv; requests validated
 *   before any handler runs, responses checked in tests.
 * - {@link RouteTable} and {@link createOperationRouter}: handlers keyed by operationId and typed
 *   from the `operations` interface openapi-typescript generates (a missing or mistyped handler
 *   does not compile).
 * - {@link problemOf}, {@link sendProblem}: RFC 9457 problem+json with the `ERR_…` code style.
 * - {@link RateLimiter}: named token-bucket limits over a pluggable {@link RateLimitStore};
 *   {@link clientAddress}: the client behind trusted proxies only.
 * - {@link listen}, {@link closeGracefully}, {@link onShutdownSignals}: start-up and shutdown.
 * - {@link MetricsRegistry}: prom-client metrics on a registry of the server's own.
 *
 * @example
 * ```ts
 * import { OpenApiValidator, createOperationRouter, listen, notFoundHandler, problemErrorHandler } from '@kzpki/server-kit';
 * const spec = OpenApiValidator.load('openapi/ca.yaml');
 * const app = express().use(createOperationRouter<operations, Ctx>({ spec, handlers, context }));
 * app.use(notFoundHandler()).use(problemErrorHandler());
 * const running = await listen(app, { port: 8080 });
 * ```
 * @packageDocumentation
 */
export * from './errors.js';
export * from './http/client-address.js';
export * from './lifecycle/lifecycle.js';
export * from './lifecycle/reserve-port.js';
export * from './metrics/metrics.js';
export { addFormats, createAjv } from './openapi/ajv.js';
export * from './openapi/validator.js';
export * from './problem/problem.js';
export * from './rate-limit/rate-limiter.js';
export * from './routes/router.js';
export * from './routes/types.js';
