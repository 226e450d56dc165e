/**
 * RFC 3161 timestamp requests: making one for a TSA, and reading one (in the TSA).
 *
 * ```asn1
 * TimeStampReq ::= SEQUENCE  {                              -- RFC 3161 §2.4.1
 *    version                      INTEGER  { v1(1) },
 *    messageImprint               MessageImprint,
 *    reqPolicy             TSAPolicyId              OPTIONAL,
 *    nonce                 INTEGER                  OPTIONAL,
 *    certReq               BOOLEAN                  DEFAULT FALSE,
 *    extensions            [0] IMPLICIT Extensions  OPTIONAL  }
 *
 * MessageImprint ::= SEQUENCE  {
 *    hashAlgorithm                AlgorithmIdentifier,
 *    hashedMessage                OCTET STRING  }
 *
 * TSAPolicyId ::= OBJECT IDENTIFIER
 * ```
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  computeDigest,
  DIGEST_LENGTHS,
  type DigestName,
  digestAlgorithmIdentifier,
  digestNameOfOid,
  isDigestName,
} from '../cms/digest.js';
import { bytesOf } from '../cms/input.js';
import { tlvOf } from '../cms/parse.js';
import { randomBytes } from '../crypto-provider.js';
import { decodeAsn1 } from '../der/asn1-decode.js';
import { type BytesLike, toHex } from '../der/encoding.js';
import { derInput } from '../der/reader.js';
import { normalizeSerialHex } from '../der/serial.js';
import {
  derBoolean,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
  derUnsignedInteger,
} from '../der/writer.js';
import { PkiError } from '../errors.js';

/** Options of {@link createTimestampRequest}. */
export interface CreateTimestampRequestOptions {
  /** The data to timestamp (hashed here), or... */
  data?: BytesLike | string;
  /** ...its digest, computed by the caller with `hash`. */
  digest?: Uint8Array;
  /** The imprint hash (default SHA-256; Streebog-512 for the NCA's GOST-2015 policy). */
  hash?: DigestName;
  /** reqPolicy: the TSA policy asked for (e.g. `NCA_TSA_POLICY_OIDS.gost2015`). */
  policy?: string;
  /** Nonce: `true` (default) for 8 random octets, `false` for none, or the INTEGER's octets. */
  nonce?: boolean | Uint8Array;
  /** certReq: ask the TSA to put its certificate into the token (default `true`). */
  certReq?: boolean;
}

/** A request made by {@link createTimestampRequest}. */
export interface CreatedTimestampRequest {
  /** TimeStampReq DER (the POST body, `application/timestamp-query`). */
  der: Uint8Array;
  /** The imprint sent. */
  imprint: { hash: DigestName; digest: Uint8Array };
  /** The nonce sent, canonical lower-case hex, to check the response with. */
  nonce?: string;
  /** reqPolicy, when set. */
  policy?: string;
  certReq: boolean;
}

/** A request read by {@link parseTimestampRequest}. */
export interface TimestampRequestInfo {
  version: number;
  /** Imprint hash OID and, when this package knows it, its name. */
  imprint: { hashOid: string; hash?: DigestName; digest: Uint8Array };
  /** The exact MessageImprint TLV (the token must carry the same value). */
  messageImprintDer: Uint8Array;
  policy?: string;
  /** Nonce, canonical hex, and its exact INTEGER TLV (echoed as received). */
  nonce?: string;
  nonceDer?: Uint8Array;
  certReq: boolean;
  /** OIDs of the request extensions. */
  extensions: string[];
}

/** `MessageImprint` DER. */
export function encodeMessageImprint(hash: DigestName, digest: Uint8Array): Uint8Array {
  return derSequence(digestAlgorithmIdentifier(hash), derOctetString(digest));
}

/**
 * Makes a TimeStampReq.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` without data or digest, or a digest of the wrong length.
 * @example
 * ```ts
 * const req = await createTimestampRequest({ data: signatureValue, hash: 'STREEBOG-512', policy: NCA_TSA_POLICY_OIDS.gost2015 });
 * const res = await fetch(tsaUrl, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: req.der });
 * ```
 */
export async function createTimestampRequest(
  options: CreateTimestampRequestOptions,
): Promise<CreatedTimestampRequest> {
  if (typeof options !== 'object' || options === null)
    throw new PkiError('ERR_INVALID_ARGUMENT', 'Options are required');
  const hash = options.hash ?? 'SHA-256';
  if (!isDigestName(hash)) throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown digest ${String(hash)}`);
  let digest: Uint8Array;
  if (options.digest !== undefined) {
    digest = bytesOf(options.digest, 'digest', false);
    if (digest.length !== DIGEST_LENGTHS[hash]) {
      throw new PkiError('ERR_INVALID_ARGUMENT', `A ${hash} digest has ${DIGEST_LENGTHS[hash]} octets`);
    }
  } else if (options.data !== undefined) {
    const data = bytesOf(options.data, 'data');
    digest = await computeDigest(hash, data);
  } else throw new PkiError('ERR_INVALID_ARGUMENT', 'data or digest is required');
  const parts = [derSmallInteger(1), encodeMessageImprint(hash, digest)];
  if (options.policy !== undefined) parts.push(derOid(options.policy));
  let nonce: string | undefined;
  const nonceOpt = options.nonce ?? true;
  if (nonceOpt !== false) {
    const bytes = nonceOpt === true ? randomBytes(8) : bytesOf(nonceOpt, 'nonce', false);
    if (bytes.length === 0 || bytes.length > 32)
      throw new PkiError('ERR_INVALID_ARGUMENT', 'A nonce has 1..32 octets');
    const hex = normalizeSerialHex(toHex(bytes));
    if (hex === '00' || hex === '0') throw new PkiError('ERR_INVALID_ARGUMENT', 'A nonce must not be zero');
    parts.push(derUnsignedInteger(bytes));
    nonce = hex;
  }
  const certReq = options.certReq ?? true;
  if (certReq) parts.push(derBoolean(true)); // DEFAULT FALSE is left out (DER)
  return {
    der: derSequence(...parts),
    imprint: { hash, digest },
    ...(nonce ? { nonce } : {}),
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
    certReq,
  };
}

function fail(message: string, cause?: unknown): never {
  throw new PkiError(
    'ERR_TSP_INVALID',
    `Malformed timestamp request: ${message}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Reads a TimeStampReq (DER, PEM or base64).
 * @throws {PkiError} `ERR_TSP_INVALID` when it is not one.
 * @example
 * ```ts
 * const req = parseTimestampRequest(body);
 * req.imprint.hash; // 'SHA-256'
 * ```
 */
export function parseTimestampRequest(input: BytesLike | string): TimestampRequestInfo {
  const der = derInput(input, 'TIMESTAMP REQUEST', 'ERR_TSP_INVALID', 'timestamp request');
  const root = decodeAsn1(der);
  if (!root) fail('not a single DER element');
  let req: pkijs.TimeStampReq;
  try {
    req = new pkijs.TimeStampReq({ schema: root });
  } catch (cause) {
    fail('does not match TimeStampReq', cause);
  }
  const parts = (root as asn1js.Sequence).valueBlock.value;
  const hashOid = req.messageImprint.hashAlgorithm.algorithmId;
  const hash = digestNameOfOid(hashOid);
  const nonceEl = parts.find((p) => p instanceof asn1js.Integer && p !== parts[0]);
  const out: TimestampRequestInfo = {
    version: req.version,
    imprint: {
      hashOid,
      ...(hash ? { hash } : {}),
      digest: new Uint8Array(req.messageImprint.hashedMessage.valueBlock.valueHexView),
    },
    messageImprintDer: tlvOf(parts[1]!),
    certReq: req.certReq ?? false,
    extensions: (req.extensions ?? []).map((e) => e.extnID),
  };
  if (req.reqPolicy !== undefined) out.policy = req.reqPolicy;
  if (req.nonce !== undefined && nonceEl) {
    out.nonce = normalizeSerialHex(toHex(req.nonce.valueBlock.valueHexView));
    out.nonceDer = tlvOf(nonceEl);
  }
  return out;
}
