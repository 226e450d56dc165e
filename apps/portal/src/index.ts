/**
 * `@kzpki/portal`: the browser portal of the kzpki reference CA (remote issuance wizard,
 * application status, key check, personal cabinet, operator view) and the small Node server that
 * serves it. The SPA itself is built by Vite into `dist/`; this entry point is server-side only.
 *
 * @example
 * ```ts
 * import { startPortal } from '@kzpki/portal';
 * const portal = await startPortal({ caUrl: 'http://127.0.0.1:8080', statusUrl: 'http://127.0.0.1:8081', port: 8082 });
 * // open portal.url in a browser
 * ```
 * @packageDocumentation
 */
export {
  createPortalHandler,
  NCALAYER_DEFAULT_URL,
  type PortalHandler,
  type PortalHandlerOptions,
  type PortalRuntimeConfig,
  portalStaticDir,
  type RunningPortal,
  securityHeaders,
  startPortal,
} from './server/portal-server.js';
export { resolveStaticPath } from './server/static-files.js';
