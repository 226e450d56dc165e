/**
 * `@kzpki/ncalayer`: a typed client of NCALayer, the NCA's local signing application, for
 * browsers and Node — `basics.sign` (CMS and XML), the `commonUtils` module and the legacy applet
 * API, one request at a time, with time limits, reconnection, the legacy keep-alive, typed errors
 * and normalised answers. The emulator (Node only, real signatures with NCA key files) is the
 * separate entry point `@kzpki/ncalayer/emulator`, so that browser bundles never include it.
 *
 * @example
 * ```ts
 * import { NCALayerClient, isNCALayerError } from '@kzpki/ncalayer';
 *
 * const ncalayer = new NCALayerClient();
 * const cms = await ncalayer.signCms({ data: 'Hello', allowTestKeys: true });
 * ```
 * @packageDocumentation
 */
export {
  asArray,
  codeOfMessage,
  readBasicsAnswer,
  readCommonUtilsAnswer,
  readLegacyAnswer,
  type SignedCms,
  signedCmsOf,
} from './answers.js';
export {
  BasicsModule,
  CommonUtilsModule,
  type Document,
  LegacyApi,
  type LegacyKeyEntry,
  NCALayerClient,
  type NCALayerClientOptions,
  type SignCmsOptions,
  type SignOptionsBase,
  type SignXmlOptions,
} from './client.js';
export {
  type ConnectionEvent,
  greetingVersion,
  type WebSocketConstructor,
  type WebSocketLike,
} from './connection.js';
export {
  isNCALayerError,
  NCALayerError,
  type NCALayerErrorCode,
  type NCALayerErrorDetails,
} from './errors.js';
export * from './protocol.js';
export { type KeyPurposeFilter, type KeySelection, PURPOSE_EKU, signerParamsOf } from './signer-params.js';
