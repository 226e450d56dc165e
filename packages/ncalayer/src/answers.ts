/**
 * Reading NCALayer's answers: each generation's success and failure shapes become a value or an
 * {@link NCALayerError} with a stable code, and signatures become one normalised form whatever
 * NCALayer sent (`basics` answers CMS as PEM `-----BEGIN CMS-----`, commonUtils as base64 DER;
 * either may answer one value or an array).
 */
import { toBase64, toDer, toPem } from '@kzpki/pki';
import { NCALayerError, type NCALayerErrorCode, type NCALayerErrorDetails } from './errors.js';
import { ACTION_CANCELED, type BasicsResult, type CommonUtilsAnswer, type LegacyAnswer } from './protocol.js';

/** A CMS signature NCALayer made, in every form a caller may need. */
export interface SignedCms {
  /** ContentInfo DER. */
  der: Uint8Array;
  /** The DER as base64 (what servers usually take). */
  base64: string;
  /** The DER as PEM, labelled `CMS` as `basics.sign` answers it. */
  pem: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function protocolError(method: string, what: string): NCALayerError {
  return new NCALayerError('ERR_PROTOCOL', `NCALayer answered ${method} with ${what}`, {
    details: { method },
  });
}

/**
 * The code for an NCALayer failure message (a Java exception text or a message key), where one
 * more precise than `ERR_NCALAYER` applies.
 */
export function codeOfMessage(text: string | undefined): NCALayerErrorCode {
  if (!text) return 'ERR_NCALAYER';
  if (text === ACTION_CANCELED || /\bcancel/i.test(text)) return 'ERR_USER_CANCELLED';
  if (/EMPTY_KEY_LIST/.test(text)) return 'ERR_NO_KEY';
  if (/SAXParseException|XML_PARSE_EXCEPTION/.test(text)) return 'ERR_XML_INVALID';
  if (/IllegalArgumentException|JSONException|argument type mismatch/.test(text))
    return 'ERR_INVALID_ARGUMENT';
  return 'ERR_NCALAYER';
}

const MESSAGES: Partial<Record<NCALayerErrorCode, string>> = {
  ERR_USER_CANCELLED: 'The person cancelled the operation in NCALayer',
  ERR_WRONG_PASSWORD: 'The key store password is wrong',
  ERR_NO_KEY: 'No key in the chosen storage meets the request (key type, extKeyUsage, IIN, BIN)',
  ERR_INVALID_ARGUMENT: 'NCALayer rejected the arguments',
  ERR_XML_INVALID: 'The XML to sign is not well-formed',
};

function failure(code: NCALayerErrorCode, method: string, details: NCALayerErrorDetails): NCALayerError {
  const said = [details.ncalayerCode, details.ncalayerMessage, details.ncalayerDetails].filter(Boolean);
  const base = MESSAGES[code] ?? 'NCALayer reported an error';
  return new NCALayerError(code, `${base} (${method}${said.length ? `: ${said.join(' ')}` : ''})`, {
    details: { ...details, method },
  });
}

/**
 * Reads a `kz.gov.pki.knca.basics` answer: `{status:true, body:{result}}` gives `result`,
 * `{status:true, body:{}}` is the person's cancel, `{status:false, code, message, details}` an error.
 * @throws {NCALayerError} `ERR_USER_CANCELLED`, `ERR_INVALID_ARGUMENT`, `ERR_NCALAYER`, `ERR_PROTOCOL`.
 */
export function readBasicsAnswer(answer: unknown, method = 'basics.sign'): BasicsResult {
  if (!isRecord(answer) || typeof answer.status !== 'boolean')
    throw protocolError(method, 'something other than {status, body}');
  if (answer.status === false) {
    const details: NCALayerErrorDetails = {};
    if (typeof answer.code === 'string') details.ncalayerCode = answer.code;
    if (typeof answer.message === 'string') details.ncalayerMessage = answer.message;
    if (typeof answer.details === 'string') details.ncalayerDetails = answer.details;
    const code =
      [details.ncalayerCode, details.ncalayerDetails, details.ncalayerMessage]
        .map(codeOfMessage)
        .find((c) => c !== 'ERR_NCALAYER') ?? 'ERR_NCALAYER';
    throw failure(code, method, details);
  }
  const body = answer.body;
  if (!isRecord(body)) throw protocolError(method, 'status true and no body');
  if (!('result' in body) || body.result === undefined || body.result === null)
    throw failure('ERR_USER_CANCELLED', method, {});
  const result = body.result;
  if (typeof result === 'string') return result;
  if (Array.isArray(result) && result.every((r) => typeof r === 'string')) return result as string[];
  if (isRecord(result) && typeof result.certificate === 'string') {
    const s = result.signatures;
    if (typeof s === 'string' || (Array.isArray(s) && s.every((x) => typeof x === 'string')))
      return { signatures: s as string | string[], certificate: result.certificate };
  }
  throw protocolError(method, 'a result of an unknown shape');
}

/**
 * Reads a `kz.gov.pki.knca.commonUtils` answer: `{code:"200", responseObject}` gives
 * `responseObject`; `{code:"500", message}` an error (`action.canceled` is the person's cancel).
 * @throws {NCALayerError} `ERR_USER_CANCELLED`, `ERR_INVALID_ARGUMENT`, `ERR_XML_INVALID`, `ERR_NCALAYER`, `ERR_PROTOCOL`.
 */
export function readCommonUtilsAnswer(answer: unknown, method: string): unknown {
  if (!isRecord(answer) || typeof answer.code !== 'string')
    throw protocolError(method, 'something other than {code, responseObject}');
  const a = answer as unknown as CommonUtilsAnswer;
  if (a.code === '200') return a.responseObject;
  const details: NCALayerErrorDetails = { ncalayerCode: a.code };
  if (typeof a.message === 'string') details.ncalayerMessage = a.message;
  throw failure(codeOfMessage(a.message), method, details);
}

const LEGACY_CODES: Readonly<Record<string, NCALayerErrorCode>> = {
  WRONG_PASSWORD: 'ERR_WRONG_PASSWORD',
  EMPTY_KEY_LIST: 'ERR_NO_KEY',
  XML_PARSE_EXCEPTION: 'ERR_XML_INVALID',
  ACTION_CANCELED: 'ERR_USER_CANCELLED',
};

/**
 * Reads a legacy answer `{result, secondResult, errorCode}`; `errorCode` `NONE` is success.
 * `WRONG_PASSWORD` carries the attempts left in `result` for tokens (`-1` or absent for files).
 * @throws {NCALayerError} `ERR_WRONG_PASSWORD`, `ERR_NO_KEY`, `ERR_XML_INVALID`, `ERR_USER_CANCELLED`, `ERR_NCALAYER`, `ERR_PROTOCOL`.
 */
export function readLegacyAnswer(
  answer: unknown,
  method: string,
): { result: unknown; secondResult: unknown } {
  if (!isRecord(answer) || typeof answer.errorCode !== 'string')
    throw protocolError(method, 'something other than {result, errorCode}');
  const a = answer as unknown as LegacyAnswer & { errorCode: string };
  if (a.errorCode === 'NONE') return { result: a.result, secondResult: a.secondResult };
  const details: NCALayerErrorDetails = { ncalayerCode: a.errorCode };
  if (typeof a.result === 'string' && a.result !== '') details.ncalayerMessage = a.result;
  if (a.errorCode === 'WRONG_PASSWORD') {
    const left = Number(a.result);
    if (Number.isInteger(left) && left >= 0) details.attemptsLeft = left;
  }
  throw failure(LEGACY_CODES[a.errorCode] ?? 'ERR_NCALAYER', method, details);
}

/**
 * A CMS signature from NCALayer's text (PEM `CMS`/`PKCS7` or base64 DER).
 * @throws {NCALayerError} `ERR_PROTOCOL` when the text holds no DER SEQUENCE.
 */
export function signedCmsOf(text: unknown, method: string): SignedCms {
  if (typeof text !== 'string') throw protocolError(method, 'a signature that is not text');
  let der: Uint8Array;
  try {
    der = toDer(text);
  } catch (cause) {
    throw new NCALayerError(
      'ERR_PROTOCOL',
      `NCALayer answered ${method} with a signature that is not base64 or PEM`,
      {
        cause,
        details: { method },
      },
    );
  }
  if (der.length < 2 || der[0] !== 0x30)
    throw protocolError(method, 'a signature that is not a CMS ContentInfo');
  return { der, base64: toBase64(der), pem: toPem(der, 'CMS') };
}

/** `value` as an array (NCALayer answers one value or an array, depending on version and method). */
export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
