/**
 * `@kzpki/ncalayer/emulator` (Node only): an emulated NCALayer that speaks every generation of
 * the protocol and signs for real with the NCA key files of a folder — CMS/CAdES (attached,
 * detached, over a digest, CAdES-T with a TSA), XMLDSig and raw signatures — while the person in
 * front of it is scripted (tests, CI) or asked in a terminal. `npx kzpki ncalayer` runs it.
 *
 * @example
 * ```ts
 * import { scriptedPerson, startEmulator } from '@kzpki/ncalayer/emulator';
 *
 * const emulator = await startEmulator({
 *   keysDir: './keys',
 *   person: scriptedPerson({ password: 'Qwerty12', user: 'approve' }),
 *   tls: false,
 *   port: 0,
 * });
 * // … drive it with NCALayerClient({ url: emulator.url }) …
 * await emulator.close();
 * ```
 * @packageDocumentation
 */
export { answerRequest, type EmulatorEvent, type HandlerContext, type TsaSettings } from './handlers.js';
export {
  caCertificatesIn,
  caCertificatesNear,
  type KeyFileEntry,
  type KeyRequirements,
  listKeyFiles,
  type OpenedKey,
  openKeyFile,
  refusalOf,
} from './keys.js';
export {
  type KeyChoice,
  type KeyPrompt,
  type Person,
  type PersonScript,
  scriptedPerson,
  type TerminalStreams,
  terminalPerson,
} from './person.js';
export { type EmulatorOptions, type NCALayerEmulator, startEmulator } from './server.js';
export { defaultConfigDir, type EmulatorTls, ensureEmulatorTls, trustInstructions } from './tls.js';
export {
  parseXmlStrict,
  signXmlDocument,
  XML_ALGORITHMS,
  XMLDSIG,
  XmlParseError,
  type XmlSignOptions,
} from './xml.js';
