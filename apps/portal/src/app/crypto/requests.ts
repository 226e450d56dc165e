/**
 * Key generation and the certificate requests of an application, made in the browser, as the NCA
 * issues them today: an individual gets one RSA-2048 key pair for AUTH and one for SIGN, each with
 * a PKCS#10 request; a legal entity gets one GOST R 34.10-2015 512-bit key (generated in pure
 * TypeScript by `@kzpki/pki`: WebCrypto has no GOST) with one request for its one AUTH+SIGN
 * certificate. Each request's subject names the identified person (and organisation). The private
 * keys stay in this browser.
 */
import type { GostPrivateKey } from '@kzpki/pki';
import type { ApplicationKind, OrganizationData, PersonData, TemplateName } from '../api/types.js';
import { loadPki } from './pki.js';

/** A generated key pair with its request. */
export interface GeneratedKey {
  keys: CryptoKeyPair;
  /** PEM of the PKCS#10 request. */
  csrPem: string;
}

/** The keys of an application and their requests. */
export type GeneratedRequests =
  | { kind: 'rsa'; auth: GeneratedKey; sign: GeneratedKey }
  | {
      kind: 'gost';
      /** The GOST-2015-512 private key (a software key of `@kzpki/pki`). */
      key: GostPrivateKey;
      /** PEM of the PKCS#10 request, signed with the key. */
      csrPem: string;
    };

/** Input of {@link generateRequests}. */
export interface RequestSubject {
  person: PersonData;
  organization?: OrganizationData;
  email?: string;
  template: TemplateName;
}

/**
 * Which keys an application of `kind` gets: `gost` (one GOST-2015-512 key, `GOST512_<ski>.p12`)
 * for legal entities, `rsa` (AUTH + SIGN pair) for individuals; as `kzpki enroll` by default.
 * @example
 * ```ts
 * keyKindFor('legal-entity'); // 'gost'
 * ```
 */
export function keyKindFor(kind: ApplicationKind): 'rsa' | 'gost' {
  return kind === 'legal-entity' ? 'gost' : 'rsa';
}

/**
 * Generates the keys of an application and their requests: the AUTH and SIGN RSA pairs
 * (extractable, so the key files can be built later) for an individual's template, the one GOST
 * key for a legal entity's.
 */
export async function generateRequests(input: RequestSubject): Promise<GeneratedRequests> {
  const pki = await loadPki();
  const subject = pki.buildNcaSubject({
    surname: input.person.surname,
    givenName: input.person.givenName,
    ...(input.person.patronymic ? { patronymic: input.person.patronymic } : {}),
    iin: input.person.iin,
    ...(input.organization ? { bin: input.organization.bin, organization: input.organization.name } : {}),
    ...(input.email ? { email: input.email } : {}),
    // The CA decides which identifiers it accepts (its test mode admits the NCA test IINs).
    checksum: false,
  });
  if (keyKindFor(pki.TEMPLATES[input.template].kind) === 'gost') {
    const key = pki.GostPrivateKey.generate('gost2015-512');
    const der = await pki.createCsr({
      keys: { privateKey: key },
      subject,
      profile: pki.gostTemplateProfile(input.template),
    });
    return { kind: 'gost', key, csrPem: pki.toPem(der, 'CERTIFICATE REQUEST') };
  }
  const make = async (purpose: 'auth' | 'sign'): Promise<GeneratedKey> => {
    const keys = await pki.generateKeyPair('RSA-2048', { extractable: true });
    const der = await pki.createCsr({ keys, subject, template: input.template, purpose });
    return { keys, csrPem: pki.toPem(der, 'CERTIFICATE REQUEST') };
  };
  const [auth, sign] = await Promise.all([make('auth'), make('sign')]);
  return { kind: 'rsa', auth, sign };
}
