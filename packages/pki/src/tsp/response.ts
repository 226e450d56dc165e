/**
 * RFC 3161 responses: reading a TimeStampResp (the client side) and writing its PKIStatusInfo (the
 * TSA side).
 *
 * ```asn1
 * TimeStampResp ::= SEQUENCE  {                             -- RFC 3161 §2.4.2
 *    status                  PKIStatusInfo,
 *    timeStampToken          TimeStampToken     OPTIONAL  }
 *
 * PKIStatusInfo ::= SEQUENCE {
 *    status        PKIStatus,
 *    statusString  PKIFreeText     OPTIONAL,
 *    failInfo      PKIFailureInfo  OPTIONAL  }
 *
 * PKIStatus ::= INTEGER {
 *    granted                (0), grantedWithMods        (1), rejection              (2),
 *    waiting                (3), revocationWarning      (4), revocationNotification (5) }
 *
 * PKIFailureInfo ::= BIT STRING {
 *    badAlg               (0), badRequest           (2), badDataFormat        (5),
 *    timeNotAvailable    (14), unacceptedPolicy     (15), unacceptedExtension  (16),
 *    addInfoNotAvailable (17), systemFailure        (25)  }
 *
 * PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
 * ```
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { tlvOf } from '../cms/parse.js';
import { decodeAsn1 } from '../der/asn1-decode.js';
import type { BytesLike } from '../der/encoding.js';
import { derInput } from '../der/reader.js';
import { derBitString, derSequence, derSmallInteger, derUtf8String } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { parseTimestampToken, type TimestampInfo } from './token.js';

/** PKIStatus values by name. */
export const TSP_STATUS_CODES = Object.freeze({
  granted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
});

/** A PKIStatus name. */
export type TspStatus = keyof typeof TSP_STATUS_CODES;

/** PKIFailureInfo bits by name. */
export const TSP_FAILURE_BITS = Object.freeze({
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
});

/** A PKIFailureInfo name. */
export type TspFailure = keyof typeof TSP_FAILURE_BITS;

/** A TimeStampResp read by {@link parseTimestampResponse}. */
export interface TimestampResponseInfo {
  status: TspStatus;
  /** The PKIStatus number (as received, also for unknown values). */
  statusCode: number;
  /** statusString texts. */
  statusStrings: string[];
  /** failInfo bits set. */
  failInfo: TspFailure[];
  /** The TimeStampToken DER, when present. */
  token?: Uint8Array;
  /** The token's TSTInfo, when a token is present. */
  info?: TimestampInfo;
}

function fail(message: string, cause?: unknown): never {
  throw new PkiError(
    'ERR_TSP_INVALID',
    `Malformed timestamp response: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function failInfoNames(bits: asn1js.BitString | undefined): TspFailure[] {
  if (!bits) return [];
  const bytes = bits.valueBlock.valueHexView;
  return (Object.entries(TSP_FAILURE_BITS) as [TspFailure, number][])
    .filter(([, bit]) => bit >> 3 < bytes.length && (bytes[bit >> 3]! & (0x80 >> (bit & 7))) !== 0)
    .map(([name]) => name);
}

/**
 * Reads a TimeStampResp (DER, PEM or base64), and the token in it.
 * @throws {PkiError} `ERR_TSP_INVALID` when it is not one.
 * @example
 * ```ts
 * const res = parseTimestampResponse(body);
 * if (res.status === 'granted') store(res.token!);
 * ```
 */
export function parseTimestampResponse(input: BytesLike | string): TimestampResponseInfo {
  const der = derInput(input, 'TIMESTAMP RESPONSE', 'ERR_TSP_INVALID', 'timestamp response');
  const root = decodeAsn1(der);
  if (!root) fail('not a single DER element');
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: root });
  } catch (cause) {
    fail('does not match TimeStampResp', cause);
  }
  const code = resp.status.status;
  const status = (Object.keys(TSP_STATUS_CODES) as TspStatus[]).find((k) => TSP_STATUS_CODES[k] === code);
  if (status === undefined) fail(`unknown PKIStatus ${code}`);
  const out: TimestampResponseInfo = {
    status,
    statusCode: code,
    statusStrings: (resp.status.statusStrings ?? []).map((s) => s.valueBlock.value),
    failInfo: failInfoNames(resp.status.failInfo),
  };
  const tokenEl = (root as asn1js.Sequence).valueBlock.value[1];
  if (tokenEl) {
    out.token = tlvOf(tokenEl);
    out.info = parseTimestampToken(out.token).info;
  }
  return out;
}

/** `PKIFailureInfo` DER with one named bit set (trailing zero bits removed, X.690 §11.2.2). */
function failureBits(failure: TspFailure): Uint8Array {
  const bit = TSP_FAILURE_BITS[failure];
  const bytes = new Uint8Array((bit >> 3) + 1);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  return derBitString(bytes, 7 - (bit & 7));
}

/** `PKIStatusInfo` DER: granted, or a rejection with a text and a failInfo bit. */
export function encodePkiStatusInfo(status: TspStatus, text?: string, failure?: TspFailure): Uint8Array {
  const parts = [derSmallInteger(TSP_STATUS_CODES[status])];
  if (text !== undefined) parts.push(derSequence(derUtf8String(text)));
  if (failure !== undefined) parts.push(failureBits(failure));
  return derSequence(...parts);
}

/** A rejection TimeStampResp (no token). */
export function encodeTimestampRejection(failure: TspFailure, text: string): Uint8Array {
  return derSequence(encodePkiStatusInfo('rejection', text, failure));
}
