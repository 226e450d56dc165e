/**
 * XMLDSig enveloped signatures as NCALayer makes them, with `xml-crypto` for the XML work
 * (references, transforms, canonicalisation) and `@kzpki/pki`'s signature module for the
 * signature itself, so RSA, ECDSA and the KZ GOST keys sign alike.
 *
 * NCALayer's form (seen in answers it gave): the `ds:` prefix, SignedInfo canonicalised with
 * inclusive C14N 1.0, one Reference (`URI=""` for the whole document) with the transforms
 * enveloped-signature and C14N 1.0 with comments, and KeyInfo/X509Data/X509Certificate. RSA keys
 * sign with rsa-sha256 over sha256 digests. GOST keys use the algorithm URIs used in Kazakhstan
 * (docs/domain.md, GOST): `urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:` for GOST R
 * 34.10-2015, `xmldsig-more#gost34310-gost34311` for GOST 34.310-2004; signature and digest bytes
 * are written as the KZ CMS writes them (an inference: no public GOST XML sample was available to
 * check the byte order against).
 */
import {
  ecdsaDerToRaw,
  gostr3411_94,
  type PreparedSigner,
  prepareSigner,
  type SigningKey,
  streebog256,
  streebog512,
  toBase64,
} from '@kzpki/pki';
import { DOMParser } from '@xmldom/xmldom';
import { type ErrorFirstCallback, type HashAlgorithm, type SignatureAlgorithm, SignedXml } from 'xml-crypto';

/** Canonicalisation and transform URIs NCALayer uses. */
export const XMLDSIG = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

/** Signature and digest method URIs by key family. */
export const XML_ALGORITHMS = {
  rsa: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
  ec: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
  'gost-2015-512': {
    signature: 'urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512',
    digest: 'urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512',
  },
  'gost-2015-256': {
    signature: 'urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-256',
    digest: 'urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-256',
  },
  'gost-2004': {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#gost34310-gost34311',
    digest: 'http://www.w3.org/2001/04/xmldsig-more#gost34311',
  },
} as const;

/** The hash functions of the GOST digest URIs (xml-crypto knows the SHA ones). */
const GOST_DIGESTS: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = {
  [XML_ALGORITHMS['gost-2015-512'].digest]: (d) => streebog512(d),
  [XML_ALGORITHMS['gost-2015-256'].digest]: (d) => streebog256(d),
  [XML_ALGORITHMS['gost-2004'].digest]: (d) => gostr3411_94(d),
};

const utf8 = new TextEncoder();

/** The id attributes xml-crypto resolves references by without being told. */
const DEFAULT_ID_ATTRIBUTES = ['Id', 'ID', 'id'];

function hashClass(uri: string, fn: (data: Uint8Array) => Uint8Array): new () => HashAlgorithm {
  return class implements HashAlgorithm {
    getAlgorithmName() {
      return uri;
    }
    getHash(xml: string) {
      return toBase64(fn(utf8.encode(xml)));
    }
  };
}

/** An xml-crypto signature algorithm that signs through `@kzpki/pki` (asynchronously: only the callback form). */
function signingClass(uri: string, signer: PreparedSigner): new () => SignatureAlgorithm {
  return class {
    getAlgorithmName() {
      return uri;
    }
    getSignature(
      signedInfo: unknown,
      _key: unknown,
      callback?: ErrorFirstCallback<string>,
    ): string | undefined {
      if (!callback) throw new Error('this signature algorithm signs asynchronously only');
      const data =
        typeof signedInfo === 'string' ? utf8.encode(signedInfo) : new Uint8Array(signedInfo as Uint8Array);
      signer.sign(data).then(
        (sig) => {
          // XMLDSig carries ECDSA as raw r||s (RFC 4050 §3.3), not the DER X.509 uses.
          const value = signer.algorithm.family === 'ec' ? ecdsaDerToRaw(sig, 32) : sig;
          callback(null, toBase64(value));
        },
        (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
      );
      return undefined;
    }
    verifySignature(): boolean {
      throw new Error('the emulator only signs');
    }
  } as unknown as new () => SignatureAlgorithm;
}

/** Where the signature goes and what it covers. */
export interface XmlSignOptions {
  /**
   * XPath of the element to sign (default: the whole document, `URI=""`). The element gets an `Id`
   * (or `idAttribute`) when it has none, and the reference points to it.
   */
  referenceXPath?: string;
  /** The attribute naming the signed element (`signXmlByElementId`'s `idAttrName`). */
  idAttribute?: string;
  /** XPath of the element the signature is appended to (default: the root element). */
  parentXPath?: string;
}

/** Thrown for XML that does not parse; `message` is as NCALayer words it (a SAXParseException). */
export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/** Parses `xml` strictly (xmldom reports errors instead of guessing). */
export function parseXmlStrict(xml: string): Document {
  let problem: string | undefined;
  let doc: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problem ??= message;
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    // xmldom throws on fatal errors (unclosed elements…).
    problem ??= e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  if (problem || !doc?.documentElement)
    throw new XmlParseError(`org.xml.sax.SAXParseException; ${problem ?? 'no root element'}`);
  return doc as unknown as Document;
}

/**
 * Signs `xml` (enveloped XMLDSig) with `key` and its `certificatePem`; returns the signed document
 * with the XML declaration NCALayer puts in front.
 * @throws {XmlParseError} for XML that is not well-formed; `Error` for an XPath that selects nothing.
 */
export async function signXmlDocument(
  xml: string,
  key: SigningKey,
  certificatePem: string,
  options: XmlSignOptions = {},
): Promise<string> {
  parseXmlStrict(xml);
  const signer = prepareSigner(key);
  const family = signer.algorithm.family;
  const uris = XML_ALGORITHMS[family];
  const sig = new SignedXml({
    // The key itself stays in the signing class (pki signs); xml-crypto only checks one is set.
    privateKey: Buffer.alloc(1),
    publicCert: certificatePem,
    signatureAlgorithm: uris.signature,
    canonicalizationAlgorithm: XMLDSIG.c14n,
    // xml-crypto already looks for Id, ID and id; naming one of them again makes it see every element twice.
    ...(options.idAttribute && !DEFAULT_ID_ATTRIBUTES.includes(options.idAttribute)
      ? { idAttribute: options.idAttribute }
      : {}),
  });
  sig.SignatureAlgorithms[uris.signature] = signingClass(uris.signature, signer);
  const gostDigest = GOST_DIGESTS[uris.digest];
  if (gostDigest) sig.HashAlgorithms[uris.digest] = hashClass(uris.digest, gostDigest);
  const whole = !options.referenceXPath;
  sig.addReference({
    xpath: options.referenceXPath || '/*',
    transforms: [XMLDSIG.enveloped, XMLDSIG.c14nWithComments],
    digestAlgorithm: uris.digest,
    isEmptyUri: whole,
  });
  await new Promise<void>((resolve, reject) => {
    sig.computeSignature(
      xml,
      {
        prefix: 'ds',
        location: { reference: options.parentXPath || '/*', action: 'append' },
      },
      (err) => (err ? reject(err) : resolve()),
    );
  });
  const signed = sig.getSignedXml();
  return signed.startsWith('<?xml')
    ? signed
    : `<?xml version="1.0" encoding="UTF-8" standalone="no"?>${signed}`;
}
