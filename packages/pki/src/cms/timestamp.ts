/**
 * CAdES-T (RFC 5126 §4.4.1, ETSI EN 319 122-1 §5.3): a timestamp over a signer's signature value,
 * stored as its unsigned attribute id-aa-signatureTimeStampToken (RFC 3161 Appendix A):
 *
 * ```asn1
 * SignatureTimeStampToken ::= TimeStampToken
 *   -- messageImprint: the hash of the value of the signature field of the SignerInfo
 * ```
 *
 * Only the timestamped SignerInfo changes, and only in its unsignedAttrs (existing unsigned
 * attributes keep their bytes; the new one is appended). Its signed part, the other SignerInfos,
 * certificates, CRLs and content are copied byte for byte.
 */
import { decodeAsn1 } from '../der/asn1-decode.js';
import { type BytesLike, bytesEqual } from '../der/encoding.js';
import { derSequence, derTlv } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { requestTimestamp } from '../tsp/client.js';
import { parseTimestampToken } from '../tsp/token.js';
import { encodeAttribute } from './attributes.js';
import { computeDigest, type DigestName, isDigestName } from './digest.js';
import type { Fetcher } from './http.js';
import { CMS_ATTRIBUTES } from './oids.js';
import { type CmsSignedData, type CmsSignerInfo, isCmsSignedData, parseCms, tlvOf } from './parse.js';
import { assembleSignedData } from './sign.js';

/** Where timestamps come from: a TSA URL, or a function returning a TimeStampToken. */
export type TimestampSource =
  | {
      /** The TSA URL (RFC 3161 over HTTP). */
      url: string;
      /** reqPolicy to ask for (e.g. `NCA_TSA_POLICY_OIDS.gost2015`). */
      policy?: string;
      fetch?: Fetcher;
      timeoutMs?: number;
    }
  | ((request: { hash: DigestName; digest: Uint8Array; signer: CmsSignerInfo }) => Promise<Uint8Array>);

/** Options of {@link addSignatureTimestamp}. */
export interface AddSignatureTimestampOptions {
  /** Where the timestamp comes from. */
  timestamp: TimestampSource;
  /** Which signers (indexes; default: every signer that has no timestamp yet). */
  signers?: readonly number[];
  /** The imprint hash (default: the signer's digest algorithm, e.g. Streebog-512 for GOST-2015). */
  hash?: DigestName;
}

/**
 * The imprint a signature timestamp of `signer` must carry: the hash of its signature value.
 * @example
 * ```ts
 * const digest = await signatureImprint(parseCms(p7s).signers[0]!, 'SHA-256');
 * ```
 */
export function signatureImprint(signer: CmsSignerInfo, hash: DigestName): Promise<Uint8Array> {
  return computeDigest(hash, signer.signature);
}

function defaultHash(signer: CmsSignerInfo): DigestName {
  return signer.digestAlgorithm.name ?? 'SHA-256';
}

/** The SignerInfo TLV with `attribute` appended to its unsigned attributes. */
function withUnsignedAttribute(signer: CmsSignerInfo, attribute: Uint8Array): Uint8Array {
  const el = decodeAsn1(signer.der);
  const parts = (el as { valueBlock?: { value?: unknown[] } } | undefined)?.valueBlock?.value;
  if (!el || !Array.isArray(parts))
    throw new PkiError('ERR_CMS_INVALID', 'Malformed CMS: unreadable SignerInfo');
  const tlvs = parts.map((p) => tlvOf(p as Parameters<typeof tlvOf>[0]));
  const last = parts[parts.length - 1] as {
    idBlock: { tagClass: number; tagNumber: number };
    valueBlock: { value: unknown[] };
  };
  if (last.idBlock.tagClass === 3 && last.idBlock.tagNumber === 1) {
    const existing = last.valueBlock.value.map((a) => tlvOf(a as Parameters<typeof tlvOf>[0]));
    tlvs[tlvs.length - 1] = derTlv(0xa1, ...existing, attribute);
  } else tlvs.push(derTlv(0xa1, attribute));
  return derSequence(...tlvs);
}

/**
 * Adds a signature timestamp token (obtained elsewhere) to one signer, after checking that its
 * imprint is the hash of that signer's signature value.
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for a signer index out of range or a token over other
 *   data, `ERR_TSP_INVALID` for a malformed token, `ERR_CMS_INVALID` for a malformed CMS.
 * @example
 * ```ts
 * const cadesT = await addTimestampToken(p7s, 0, token);
 * ```
 */
export async function addTimestampToken(
  cms: BytesLike | string | CmsSignedData,
  signerIndex: number,
  token: BytesLike,
): Promise<Uint8Array> {
  const parsed = isCmsSignedData(cms) ? cms : parseCms(cms);
  const signer = parsed.signers[signerIndex];
  if (!signer) throw new PkiError('ERR_INVALID_ARGUMENT', `No signer ${signerIndex}`);
  const { der, info } = parseTimestampToken(token as Uint8Array);
  if (!info.imprint.hash) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Imprint hash ${info.imprint.hashOid} is not supported`);
  }
  const expected = await signatureImprint(signer, info.imprint.hash);
  if (!bytesEqual(expected, info.imprint.digest)) {
    throw new PkiError(
      'ERR_INVALID_ARGUMENT',
      `The token's imprint is not the hash of signer ${signerIndex}'s signature`,
    );
  }
  const attribute = encodeAttribute({ oid: CMS_ATTRIBUTES.signatureTimeStampToken, values: [der] });
  const signerInfos = [...parsed.raw.signerInfos];
  signerInfos[signerIndex] = withUnsignedAttribute(signer, attribute);
  return assembleSignedData({
    version: parsed.version,
    digestAlgorithms: parsed.raw.digestAlgorithms,
    encapContentInfo: parsed.raw.encapContentInfo,
    certificates: parsed.raw.certificates,
    crls: parsed.raw.crls,
    signerInfos,
  });
}

/**
 * Makes signatures CAdES-T: asks a TSA (or the given function) for a timestamp over each chosen
 * signer's signature value and stores it as that signer's id-aa-signatureTimeStampToken.
 *
 * @throws {PkiError} `ERR_NETWORK`, `ERR_TSP_REJECTED`, `ERR_TSP_NONCE_MISMATCH` from the TSA
 *   exchange; as {@link addTimestampToken}.
 * @example
 * ```ts
 * const cadesT = await addSignatureTimestamp(p7s, { timestamp: { url: tsaUrl, policy: NCA_TSA_POLICY_OIDS.rsa } });
 * ```
 */
export async function addSignatureTimestamp(
  cms: BytesLike | string | CmsSignedData,
  options: AddSignatureTimestampOptions,
): Promise<Uint8Array> {
  if (typeof options !== 'object' || options === null || !options.timestamp) {
    throw new PkiError('ERR_INVALID_ARGUMENT', 'options.timestamp (a TSA URL or a function) is required');
  }
  if (options.hash !== undefined && !isDigestName(options.hash)) {
    throw new PkiError('ERR_UNSUPPORTED_ALGORITHM', `Unknown digest ${String(options.hash)}`);
  }
  let current: CmsSignedData = isCmsSignedData(cms) ? cms : parseCms(cms);
  const indexes =
    options.signers ?? current.signers.filter((s) => s.timestampTokens.length === 0).map((s) => s.index);
  let out = current.der;
  for (const i of indexes) {
    const signer = current.signers[i];
    if (!signer) throw new PkiError('ERR_INVALID_ARGUMENT', `No signer ${i}`);
    const hash = options.hash ?? defaultHash(signer);
    const digest = await signatureImprint(signer, hash);
    const source = options.timestamp;
    const token =
      typeof source === 'function'
        ? await source({ hash, digest, signer })
        : (
            await requestTimestamp({
              url: source.url,
              digest,
              hash,
              ...(source.policy ? { policy: source.policy } : {}),
              ...(source.fetch ? { fetch: source.fetch } : {}),
              ...(source.timeoutMs !== undefined ? { timeoutMs: source.timeoutMs } : {}),
            })
          ).token;
    out = await addTimestampToken(current, i, token);
    current = parseCms(out);
  }
  return out;
}
