/**
 * asn1js decoding that never throws. `asn1js.fromBER` reports most malformed input through its
 * result, but throws a RangeError on some (e.g. a BMPString or UniversalString whose length is not
 * a multiple of 2 or 4); code reading untrusted bytes goes through here instead.
 */
import * as asn1js from 'asn1js';
import { type BytesLike, toArrayBuffer } from './encoding.js';

/** The single element `bytes` hold, or `undefined` when they are not exactly one BER element. */
export function decodeAsn1(bytes: BytesLike): asn1js.AsnType | undefined {
  const buffer = toArrayBuffer(bytes);
  try {
    const asn1 = asn1js.fromBER(buffer);
    return asn1.offset === buffer.byteLength ? asn1.result : undefined;
  } catch {
    return undefined;
  }
}
