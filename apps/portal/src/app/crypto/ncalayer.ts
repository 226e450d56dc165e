/**
 * NCALayer from the portal, through `@kzpki/ncalayer` (loaded on first use): whether it runs on
 * this computer (the NCA pages check it before key operations), and keys held by it for the
 * cabinet's and the operator's login and the cabinet's decisions.
 *
 * The CA checks a login or a decision as a plain signature over the text it sent, with the
 * certificate beside it (`openapi/ca.yaml` CertificateLoginRequest, DecisionRequest), not as a
 * CMS. NCALayer's current API (`basics.sign`, `commonUtils`) makes only CAdES, whose signature
 * covers the signed attributes rather than the text; its legacy API has `signPlainData`, which
 * signs the text itself. So these keys go through the legacy calls, as pages using that API do:
 * NCALayer lets the person pick the key file (`browseKeyStore`), the password typed on the page is
 * passed to NCALayer (the page never reads the key file), the certificate is read from a CMS that
 * NCALayer makes with the key (`createCMSSignature`), and `signPlainData` signs.
 */
import type { NCALayerClient } from '@kzpki/ncalayer';
import { PortalError } from '../errors.js';
import { base64ToBytes } from './base64.js';
import { loadPki } from './pki.js';
import type { KeySigner } from './signer.js';

type NcaLayerModule = typeof import('@kzpki/ncalayer');

let loading: Promise<NcaLayerModule> | undefined;
const clients = new Map<string, NCALayerClient>();

function loadNcaLayer(): Promise<NcaLayerModule> {
  loading ??= import('@kzpki/ncalayer');
  return loading;
}

async function clientFor(url: string): Promise<NCALayerClient> {
  const known = clients.get(url);
  if (known) return known;
  const { NCALayerClient } = await loadNcaLayer();
  // Short waits to open: when nothing listens, the page says so quickly. The person may take their
  // time in NCALayer's dialogs (the client's default request limit, 10 minutes).
  const client = new NCALayerClient({
    url,
    connectTimeoutMs: 3_000,
    greetingTimeoutMs: 1_500,
    reconnectAttempts: 0,
  });
  clients.set(url, client);
  return client;
}

/**
 * Whether NCALayer answers at `url` (`''`: not looked for); its announced version when it does.
 */
export async function detectNcaLayer(url: string): Promise<{ version: string } | undefined> {
  if (url === '') return undefined;
  try {
    const { version } = await (await clientFor(url)).connect();
    return { version: version ?? '' };
  } catch {
    return undefined;
  }
}

/** The text a CMS by the key is made over, to read the key's certificate from it. */
const CERTIFICATE_PROBE = 'kzpki portal: certificate of the chosen key';

/** NCALayer's failures as the portal's. */
async function portalErrorOf(e: unknown, purpose: 'auth' | 'sign'): Promise<unknown> {
  const { isNCALayerError } = await loadNcaLayer();
  if (!isNCALayerError(e)) return e;
  switch (e.code) {
    case 'ERR_WRONG_PASSWORD':
      return new PortalError('ERR_KEY_FILE_PASSWORD', 'Wrong key file password (NCALayer)', { cause: e });
    case 'ERR_NO_KEY':
      return new PortalError('ERR_KEY_PURPOSE', `NCALayer found no ${purpose.toUpperCase()} key`, {
        cause: e,
        neededPurpose: purpose,
      });
    default:
      return new PortalError('ERR_NCALAYER', e.message, { cause: e, ncalayerCode: e.code });
  }
}

/**
 * A key held by NCALayer: the person picks the key file in NCALayer, `password` opens it there.
 * @throws {PortalError} `ERR_KEY_FILE_PASSWORD`, `ERR_KEY_PURPOSE` (the file holds no `purpose`
 *   key), `ERR_NCALAYER` (not running, cancelled, or another NCALayer failure).
 */
export async function ncaLayerSigner(
  url: string,
  password: string,
  purpose: 'auth' | 'sign',
): Promise<KeySigner> {
  const client = await clientFor(url);
  const storage = 'PKCS12';
  try {
    const path = await client.legacy.browseKeyStore(storage, 'P12', '');
    const [entry] = await client.legacy.getKeys(
      storage,
      path,
      password,
      purpose === 'auth' ? 'AUTH' : 'SIGN',
    );
    const alias = entry?.alias ?? '';
    const cms = await client.legacy.createCMSSignature(
      storage,
      path,
      alias,
      password,
      CERTIFICATE_PROBE,
      true,
    );
    const pki = await loadPki();
    const parsed = pki.parseCms(cms.der);
    const sid = parsed.signers[0]?.sid;
    const certificate = parsed.certificates.find(
      (der) =>
        sid?.type === 'issuerAndSerialNumber' &&
        pki.inspectCertificate(der).serialNumber === sid.serialNumber,
    );
    if (!certificate) throw new PortalError('ERR_NCALAYER', 'NCALayer signed without its certificate');
    const info = pki.inspectCertificate(certificate);
    if (info.keyPurpose !== purpose && info.keyPurpose !== 'auth+sign')
      throw new PortalError('ERR_KEY_PURPOSE', `A ${purpose.toUpperCase()} key is needed`, {
        neededPurpose: purpose,
      });
    return {
      via: 'ncalayer',
      certificatePem: pki.certificateToPem(certificate),
      fileName: pki.ncaKeyFileName(certificate),
      serialHex: info.serialNumber,
      purpose: info.keyPurpose,
      async sign(data) {
        // signPlainData signs text (as UTF-8): the CA's challenges and decision documents are text.
        let text: string;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(data);
        } catch (cause) {
          throw new PortalError('ERR_NCALAYER', 'NCALayer signs text only', { cause });
        }
        try {
          return base64ToBytes(await client.legacy.signPlainData(storage, path, alias, password, text));
        } catch (e) {
          throw await portalErrorOf(e, purpose);
        }
      },
    };
  } catch (e) {
    throw await portalErrorOf(e, purpose);
  }
}
