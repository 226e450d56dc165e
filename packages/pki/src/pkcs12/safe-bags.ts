/**
 * SafeContents and SafeBags (RFC 7292 §4.2): the bags that hold keys and certificates, with their
 * friendlyName and localKeyID attributes (PKCS #9, RFC 2985 §5.5.1-5.5.2).
 *
 * ```asn1
 * SafeContents ::= SEQUENCE OF SafeBag
 * SafeBag ::= SEQUENCE {
 *     bagId          BAG-TYPE.&id ({PKCS12BagSet}),
 *     bagValue       [0] EXPLICIT BAG-TYPE.&Type({PKCS12BagSet}{@bagId}),
 *     bagAttributes  SET OF PKCS12Attribute OPTIONAL }
 * PKCS12Attribute ::= SEQUENCE {
 *     attrId      ATTRIBUTE.&id ({PKCS12AttrSet}),
 *     attrValues  SET OF ATTRIBUTE.&Type ({PKCS12AttrSet}{@attrId}) }
 * KeyBag ::= PrivateKeyInfo
 * PKCS8ShroudedKeyBag ::= EncryptedPrivateKeyInfo
 * EncryptedPrivateKeyInfo ::= SEQUENCE {
 *     encryptionAlgorithm AlgorithmIdentifier,
 *     encryptedData       OCTET STRING }
 * CertBag ::= SEQUENCE {
 *     certId    BAG-TYPE.&id   ({CertTypes}),
 *     certValue [0] EXPLICIT BAG-TYPE.&Type ({CertTypes}{@certId}) }
 * friendlyName: BMPString (SIZE(1..pkcs-9-ub-friendlyName)); localKeyId: OCTET STRING
 * ```
 */
import { derBmpString, derExplicit, derOctetString, derOid, derSequence, derSetOf } from '../der/writer.js';
import {
  type Asn1Node,
  bmpString,
  decodeBer,
  explicit,
  invalid,
  octets,
  oid,
  sequence,
  set,
} from './asn1.js';
import { PKCS12_OIDS } from './oids.js';

/** How deep safeContentsBag nesting may go (files in the wild use none). */
const MAX_NESTING = 4;

/** The attributes this package reads and writes. */
export interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Uint8Array;
}

/** A decoded SafeBag. */
export type SafeBag =
  | { type: 'key'; pkcs8: Uint8Array; attributes: BagAttributes }
  | { type: 'shroudedKey'; algorithm: Asn1Node; encrypted: Uint8Array; attributes: BagAttributes }
  | { type: 'cert'; der: Uint8Array; attributes: BagAttributes }
  | { type: 'other'; bagId: string; attributes: BagAttributes };

function parseAttributes(node: Asn1Node | undefined): BagAttributes {
  const attributes: BagAttributes = {};
  if (node === undefined) return attributes;
  for (const attr of set(node, 'bagAttributes')) {
    const [idNode, valuesNode] = sequence(attr, 'PKCS12Attribute', 2, 2);
    const id = oid(idNode, 'PKCS12Attribute.attrId');
    const values = set(valuesNode, 'PKCS12Attribute.attrValues');
    // First value wins, as in OpenSSL; repeated attributes are ignored the same way.
    if (id === PKCS12_OIDS.friendlyName && attributes.friendlyName === undefined && values[0]) {
      attributes.friendlyName = bmpString(values[0], 'friendlyName');
    } else if (id === PKCS12_OIDS.localKeyId && attributes.localKeyId === undefined && values[0]) {
      attributes.localKeyId = octets(values[0], 'localKeyID');
    }
  }
  return attributes;
}

function parseBag(node: Asn1Node, depth: number, out: SafeBag[]): void {
  const [idNode, valueNode, attrNode] = sequence(node, 'SafeBag', 2, 3);
  const bagId = oid(idNode, 'SafeBag.bagId');
  const value = explicit(valueNode, 0, 'SafeBag.bagValue');
  const attributes = parseAttributes(attrNode);
  switch (bagId) {
    case PKCS12_OIDS.keyBag:
      sequence(value, 'KeyBag (PrivateKeyInfo)', 3);
      out.push({ type: 'key', pkcs8: new Uint8Array(value.valueBeforeDecodeView), attributes });
      return;
    case PKCS12_OIDS.pkcs8ShroudedKeyBag: {
      const [algorithm, data] = sequence(value, 'EncryptedPrivateKeyInfo', 2, 2);
      sequence(algorithm, 'EncryptedPrivateKeyInfo.encryptionAlgorithm', 1, 2);
      out.push({
        type: 'shroudedKey',
        algorithm: algorithm!,
        encrypted: octets(data, 'encryptedData'),
        attributes,
      });
      return;
    }
    case PKCS12_OIDS.certBag: {
      const [certIdNode, certValueNode] = sequence(value, 'CertBag', 2, 2);
      const certId = oid(certIdNode, 'CertBag.certId');
      if (certId !== PKCS12_OIDS.x509Certificate) {
        // sdsiCertificate and other types carry nothing this package can use.
        out.push({ type: 'other', bagId: `${bagId}/${certId}`, attributes });
        return;
      }
      out.push({
        type: 'cert',
        der: octets(explicit(certValueNode, 0, 'CertBag.certValue'), 'certValue'),
        attributes,
      });
      return;
    }
    case PKCS12_OIDS.safeContentsBag:
      if (depth >= MAX_NESTING) throw invalid('safeContentsBag nests too deeply');
      for (const inner of sequence(value, 'SafeContents')) parseBag(inner, depth + 1, out);
      return;
    default:
      out.push({ type: 'other', bagId, attributes });
  }
}

/**
 * Decodes SafeContents (flattening nested safeContentsBags).
 * @throws {PkiError} `ERR_PKCS12_INVALID`
 */
export function parseSafeContents(bytes: Uint8Array): SafeBag[] {
  const out: SafeBag[] = [];
  for (const bag of sequence(decodeBer(bytes, 'SafeContents'), 'SafeContents')) parseBag(bag, 0, out);
  return out;
}

function encodeAttributes(attributes: BagAttributes): Uint8Array | undefined {
  const items: Uint8Array[] = [];
  if (attributes.friendlyName !== undefined) {
    items.push(
      derSequence(derOid(PKCS12_OIDS.friendlyName), derSetOf(derBmpString(attributes.friendlyName))),
    );
  }
  if (attributes.localKeyId !== undefined) {
    items.push(derSequence(derOid(PKCS12_OIDS.localKeyId), derSetOf(derOctetString(attributes.localKeyId))));
  }
  return items.length === 0 ? undefined : derSetOf(...items);
}

/** SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF OPTIONAL }. */
function safeBag(bagId: string, value: Uint8Array, attributes: BagAttributes): Uint8Array {
  const attrs = encodeAttributes(attributes);
  return derSequence(derOid(bagId), derExplicit(0, value), ...(attrs ? [attrs] : []));
}

/** A certBag holding an X.509 certificate (DER). */
export function certBag(der: Uint8Array, attributes: BagAttributes = {}): Uint8Array {
  const value = derSequence(derOid(PKCS12_OIDS.x509Certificate), derExplicit(0, derOctetString(der)));
  return safeBag(PKCS12_OIDS.certBag, value, attributes);
}

/** A pkcs8ShroudedKeyBag from an encryption AlgorithmIdentifier (DER) and the encrypted PKCS #8. */
export function shroudedKeyBag(
  algorithm: Uint8Array,
  encrypted: Uint8Array,
  attributes: BagAttributes,
): Uint8Array {
  return safeBag(
    PKCS12_OIDS.pkcs8ShroudedKeyBag,
    derSequence(algorithm, derOctetString(encrypted)),
    attributes,
  );
}

/** DER of SafeContents holding `bags`. */
export function encodeSafeContents(bags: Uint8Array[]): Uint8Array {
  return derSequence(...bags);
}
