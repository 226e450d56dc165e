/**
 * The NCALayer WebSocket protocol as JSON on the wire, shared by the client and the emulator
 * (docs/domain.md, NCALayer; docs/guides/ncalayer.md has the method-by-method conformance table).
 *
 * Three generations answer on the same socket (`wss://127.0.0.1:13579`):
 *
 * - `kz.gov.pki.knca.basics` `sign`: one object argument; answers `{status, body}` or
 *   `{status:false, code, message, details}`;
 * - `kz.gov.pki.knca.commonUtils`: positional arguments; answers `{code:"200", responseObject}` or
 *   `{code:"500", message}`;
 * - the legacy applet API: `{method, args}` without a module; answers
 *   `{result, secondResult, errorCode}`, and a `--heartbeat--` keep-alive.
 *
 * On connect NCALayer pushes `{"result":{"version":"…"}}`. Requests carry no identifier: NCALayer
 * answers them one at a time, in order, so a client sends the next only after the previous answer.
 */

/** Where NCALayer listens. */
export const NCALAYER_URL = 'wss://127.0.0.1:13579';

/** The legacy generation's keep-alive text frame (sent by the page, echoed by NCALayer). */
export const HEARTBEAT = '--heartbeat--';

/** Module names of the current generations. */
export const NCALAYER_MODULES = {
  basics: 'kz.gov.pki.knca.basics',
  commonUtils: 'kz.gov.pki.knca.commonUtils',
} as const;

/**
 * Storage (key store) types NCALayer knows: the key file and the hardware tokens.
 * `PKCS12` is a `.p12` file the person picks; the others are token drivers.
 */
export const STORAGES = {
  /** A PKCS #12 key file (what the NCA issues on a computer). */
  file: 'PKCS12',
  /** A Java key store file. */
  jks: 'JKS',
  /** Kaztoken. */
  kaztoken: 'AKKaztokenStore',
  /** The Kazakh ID card. */
  idCard: 'AKKZIDCardStore',
  /** eToken 72K. */
  eToken72K: 'AKEToken72KStore',
  /** eToken 5110. */
  eToken5110: 'AKEToken5110Store',
  /** JaCarta. */
  jaCarta: 'AKJaCartaStore',
  /** A-Key. */
  aKey: 'AKAKEYStore',
} as const;

/** A storage type id (see {@link STORAGES}). */
export type StorageId = (typeof STORAGES)[keyof typeof STORAGES];

/** Every storage id, file first. */
export const STORAGE_IDS: readonly StorageId[] = Object.values(STORAGES);

/** The hardware tokens (every storage but the files). */
export const HARDWARE_STORAGES: readonly StorageId[] = STORAGE_IDS.filter(
  (s) => s !== 'PKCS12' && s !== 'JKS',
);

/** `true` for a storage id NCALayer knows. */
export function isStorageId(value: unknown): value is StorageId {
  return typeof value === 'string' && (STORAGE_IDS as readonly string[]).includes(value);
}

/** Interface languages NCALayer takes (`kk` is also spelled `kz` by older pages). */
export type NcaLayerLocale = 'ru' | 'kk' | 'kz' | 'en';

/** commonUtils key types: which key the person may choose. */
export type CommonUtilsKeyType = 'SIGNATURE' | 'AUTHENTICATION' | 'ALL';

/** Legacy `getKeys` key types. */
export type LegacyKeyType = 'SIGN' | 'AUTH' | 'ALL';

/** `signingParams` of `basics.sign`. */
export interface BasicsSigningParams {
  /** `data` is base64 and is decoded before signing (otherwise the text is signed as UTF-8). */
  decode?: boolean;
  /** Put the data into the CMS (attached); `false` makes a detached CMS. */
  encapsulate?: boolean;
  /** `data` is the digest of the document, not the document (a detached CMS over that digest). */
  digested?: boolean;
  /** Present (even `{}`): add a signature timestamp from the TSA; absent or `null`: no timestamp. */
  tsaProfile?: Record<string, unknown> | null;
  /** Allow an expired certificate. */
  allowExpired?: boolean;
  /** Allow a revoked certificate. */
  allowRevoked?: boolean;
  /** Answer `{signatures, certificate}` instead of the signatures alone. */
  outputCert?: boolean;
}

/** `signerParams` of `basics.sign`: which keys the person may choose. */
export interface BasicsSignerParams {
  /** ExtendedKeyUsage OIDs the certificate must all carry (1.3.6.1.5.5.7.3.4 SIGN, …3.2 AUTH, roles). */
  extKeyUsageOids?: string[];
  /** The holder's IIN (12 digits). */
  iin?: string;
  /** The organisation's BIN (12 digits). */
  bin?: string;
  /** The certificate's serial number (hex). */
  serialNumber?: string;
  /**
   * CA certificates (base64 DER) the chain must end in; `[]` accepts any CA (test keys),
   * absent or `null` the NCA's production CAs.
   */
  chain?: string[] | null;
}

/** The one argument of `basics.sign`. */
export interface BasicsSignArgs {
  /** Storages the person may use; absent or `null` for all. */
  allowedStorages?: StorageId[] | null;
  /** `cms` (CAdES) or `xml` (XMLDSig enveloped). */
  format: 'cms' | 'xml';
  /** One document or several (each signed with the same key, in one dialog). */
  data: string | string[];
  signingParams?: BasicsSigningParams;
  signerParams?: BasicsSignerParams;
  locale?: NcaLayerLocale;
  /** A logo for the dialog (base64 image, at most 50 000 characters). */
  logo?: string;
}

/** A request of the current generations. */
export interface ModuleRequest {
  module: string;
  method: string;
  args?: unknown;
}

/** A request of the legacy generation. */
export interface LegacyRequest {
  method: string;
  args?: unknown[];
}

/** `basics.sign` answers. */
export type BasicsAnswer =
  | { status: true; body: { result?: BasicsResult } }
  | { status: false; code?: string; message?: string; details?: string };

/** What `basics.sign` returns on success. */
export type BasicsResult = string | string[] | { signatures: string | string[]; certificate: string };

/** commonUtils answers. */
export interface CommonUtilsAnswer {
  code: string;
  responseObject?: unknown;
  message?: string;
}

/** Legacy answers. */
export interface LegacyAnswer {
  result?: unknown;
  secondResult?: unknown;
  errorCode?: string;
}

/** The message NCALayer pushes on connect. */
export interface VersionGreeting {
  result: { version: string };
}

/** commonUtils' cancel message (`{code:"500", message:"action.canceled"}`). */
export const ACTION_CANCELED = 'action.canceled';

/**
 * What `commonUtils.getKeyInfo` returns: the chosen key's certificate, described. Times are
 * milliseconds since 1970 as decimal strings.
 */
export interface KeyInfo {
  alias: string;
  keyId: string;
  algorithm: string;
  subjectCn: string;
  subjectDn: string;
  issuerCn: string;
  issuerDn: string;
  serialNumber: string;
  certNotBefore: string;
  certNotAfter: string;
  authorityKeyIdentifier: string;
  /** The certificate, PEM. */
  pem: string;
}

/**
 * The legacy generation's `errorCode` values: those public integrations handle (`NONE`,
 * `WRONG_PASSWORD` with the attempts left in `result`, `EMPTY_KEY_LIST`, `RDN_NOT_FOUND`,
 * `XML_PARSE_EXCEPTION`, `SIGNATURE_VALIDATION_ERROR`), and the three the emulator uses where no
 * public material shows the real value (`ACTION_CANCELED`, `UNKNOWN_METHOD`, `COMMON_ERROR`;
 * docs/guides/ncalayer.md says so in its conformance table).
 */
export const LEGACY_ERROR_CODES = [
  'NONE',
  'WRONG_PASSWORD',
  'EMPTY_KEY_LIST',
  'RDN_NOT_FOUND',
  'XML_PARSE_EXCEPTION',
  'SIGNATURE_VALIDATION_ERROR',
  'ACTION_CANCELED',
  'UNKNOWN_METHOD',
  'COMMON_ERROR',
] as const;

/** A legacy `errorCode`. */
export type LegacyErrorCode = (typeof LEGACY_ERROR_CODES)[number];
