/**
 * `@kzpki/verify`: the verification service (`openapi/verify.yaml`): CMS/CAdES verification with
 * the `verifyCms` report, content extraction, certificate and key-file inspection over HTTP.
 * @packageDocumentation
 */
export * from './config.js';
export * from './errors.js';
export * from './server.js';
export * from './trust.js';
