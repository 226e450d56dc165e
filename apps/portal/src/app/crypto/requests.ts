/**
 * Key generation and the two certificate requests of an application, made in the browser: one
 * RSA-2048 key pair for AUTH and one for SIGN (as the NCA's RSA generation), each with a PKCS#10
 * request whose subject names the identified person (and organisation) and whose requested
 * extensions say the purpose and template. The private keys stay in this browser.
 */
import type { OrganizationData, PersonData, TemplateName } from '../api/types.js';
import { loadPki } from './pki.js';

/** A generated key pair with its request. */
export interface GeneratedKey {
  keys: CryptoKeyPair;
  /** PEM of the PKCS#10 request. */
  csrPem: string;
}

/** Input of {@link generateRequests}. */
export interface RequestSubject {
  person: PersonData;
  organization?: OrganizationData;
  email?: string;
  template: TemplateName;
}

/**
 * Generates the AUTH and SIGN key pairs (extractable, so the key files can be built later) and
 * their requests.
 */
export async function generateRequests(
  input: RequestSubject,
): Promise<{ auth: GeneratedKey; sign: GeneratedKey }> {
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
  const make = async (purpose: 'auth' | 'sign'): Promise<GeneratedKey> => {
    const keys = await pki.generateKeyPair('RSA-2048', { extractable: true });
    const der = await pki.createCsr({ keys, subject, template: input.template, purpose });
    return { keys, csrPem: pki.toPem(der, 'CERTIFICATE REQUEST') };
  };
  const [auth, sign] = await Promise.all([make('auth'), make('sign')]);
  return { auth, sign };
}
