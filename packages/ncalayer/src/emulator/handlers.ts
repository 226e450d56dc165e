/**
 * What the emulated NCALayer does with one request of each generation: it validates the
 * arguments as NCALayer's Java methods do (answering their error forms), lets the person pick a key
 * file and type its password, applies NCALayer's key filters, and signs for real with
 * `@kzpki/pki` (CMS/CAdES, CAdES-T with a TSA, XMLDSig, raw signatures). Where public material does
 * not show NCALayer's answer, the choice made here is marked "inferred" and listed in the
 * conformance table of docs/guides/ncalayer.md.
 */
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  addSignatureTimestamp,
  computeDigest,
  type DigestName,
  fromBase64,
  isPkiError,
  prepareSigner,
  signCms,
  toBase64,
  toPem,
} from '@kzpki/pki';
import {
  ACTION_CANCELED,
  type BasicsSignerParams,
  type BasicsSigningParams,
  type LegacyErrorCode,
  NCALAYER_MODULES,
} from '../protocol.js';
import {
  type KeyFileEntry,
  type KeyRequirements,
  keyPurposes,
  listKeyFiles,
  type OpenedKey,
  openKeyFile,
  refusalOf,
} from './keys.js';
import type { KeyChoice, Person } from './person.js';
import { signXmlDocument, XmlParseError } from './xml.js';

/** Something the emulator did (for its console log and for tests). */
export type EmulatorEvent =
  | { type: 'listening'; url: string }
  | { type: 'connection'; origin: string | undefined }
  | { type: 'request'; method: string; origin: string | undefined }
  | { type: 'cancel'; method: string }
  | { type: 'wrong-password'; method: string; file: string; attempt: number }
  | { type: 'refused'; method: string; file: string; reason: string }
  | {
      type: 'signed';
      method: string;
      file: string;
      format: 'cms' | 'xml' | 'raw';
      count: number;
      timestamped: boolean;
    }
  | { type: 'answered'; method: string; ok: boolean }
  | { type: 'warning'; message: string };

/** Where timestamps come from. */
export interface TsaSettings {
  /** The TSA URL (RFC 3161 over HTTP). */
  url: string;
  /** reqPolicy to ask for. */
  policy?: string;
}

/** What the handlers need. */
export interface HandlerContext {
  keysDir: string;
  /** The CA certificates' folder for every key's chain checks (else each key's nearest `ca/`). */
  caDir?: string;
  person: Person;
  /** CA certificates (DER) that count as the NCA's production CAs (keys admitted when `signerParams.chain` is absent). */
  productionCas: Uint8Array[];
  tsa: TsaSettings | undefined;
  /** The folder `createCMSSignatureFromFile` may read (none: the method is refused). */
  filesDir: string | undefined;
  /** What `getActiveTokens` answers. */
  activeTokens: string[];
  now(): Date;
  emit(event: EmulatorEvent): void;
}

const utf8 = new TextEncoder();
const utf8Text = new TextDecoder('utf-8', { fatal: true });

/** A Java reflection failure, as NCALayer reports wrong argument types. */
class ArgumentMismatch extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(args: unknown[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw new ArgumentMismatch();
  return v;
}

function bool(args: unknown[], i: number): boolean {
  const v = args[i];
  if (typeof v !== 'boolean') throw new ArgumentMismatch();
  return v;
}

function decodeBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(text)) throw new ArgumentMismatch();
  return fromBase64(text);
}

// ---------------------------------------------------------------------------------------------
// Choosing a key

type Obtained =
  | { ok: true; key: OpenedKey }
  | { ok: false; why: 'cancel' }
  | { ok: false; why: 'no-key'; detail: string };

async function obtainKey(
  ctx: HandlerContext,
  origin: string | undefined,
  method: string,
  what: string,
  req: KeyRequirements,
  storages: readonly string[] | null,
): Promise<Obtained> {
  if (storages && !storages.includes('PKCS12')) {
    const detail = `only ${storages.join(', ')} allowed; the emulator holds key files (PKCS12) only`;
    ctx.emit({ type: 'refused', method, file: '-', reason: detail });
    return { ok: false, why: 'no-key', detail };
  }
  let files: KeyFileEntry[];
  try {
    files = listKeyFiles(ctx.keysDir, ctx.caDir);
  } catch (e) {
    return { ok: false, why: 'no-key', detail: `cannot read the key folder: ${(e as Error).message}` };
  }
  const now = ctx.now();
  const choice: KeyChoice = await ctx.person.choose({
    origin,
    what,
    requirements: req,
    files,
    async suitable(password) {
      const out: OpenedKey[] = [];
      for (const f of files) {
        try {
          const k = await openKeyFile(f, password);
          if (!(await refusalOf(k, req, ctx.productionCas, now))) out.push(k);
        } catch {
          // does not open with this password
        }
      }
      return out;
    },
  });
  if (choice.action === 'cancel') {
    ctx.emit({ type: 'cancel', method });
    return { ok: false, why: 'cancel' };
  }
  let password: string | undefined = choice.password;
  for (let attempt = 1; ; attempt++) {
    try {
      const key = await openKeyFile(choice.file, password);
      const refusal = await refusalOf(key, req, ctx.productionCas, now);
      if (refusal) {
        ctx.emit({ type: 'refused', method, file: choice.file.name, reason: refusal });
        return { ok: false, why: 'no-key', detail: refusal };
      }
      return { ok: true, key };
    } catch (e) {
      if (!isPkiError(e, 'ERR_PKCS12_BAD_PASSWORD')) {
        const detail = `${choice.file.name}: ${(e as Error).message}`;
        ctx.emit({ type: 'refused', method, file: choice.file.name, reason: detail });
        return { ok: false, why: 'no-key', detail };
      }
      ctx.emit({ type: 'wrong-password', method, file: choice.file.name, attempt });
      password = await ctx.person.retryPassword(choice.file, attempt);
      if (password === undefined) {
        ctx.emit({ type: 'cancel', method });
        return { ok: false, why: 'cancel' };
      }
    }
  }
}

async function makeCms(
  ctx: HandlerContext,
  key: OpenedKey,
  input: { content: Uint8Array; detached: boolean } | { digest: Uint8Array },
  timestamp: boolean,
): Promise<{ der: Uint8Array; timestamped: boolean }> {
  const signer = {
    key: key.signer.key,
    certificate: key.signer.certificate,
    certificates: key.signer.certificates,
  };
  let der = await signCms(
    'digest' in input
      ? { contentDigest: input.digest, signers: signer }
      : { content: input.content, detached: input.detached, signers: signer },
  );
  if (!timestamp) return { der, timestamped: false };
  if (!ctx.tsa) {
    ctx.emit({
      type: 'warning',
      message:
        'the request asks for a timestamp (tsaProfile), but no TSA URL is configured (--tsa): signed without one',
    });
    return { der, timestamped: false };
  }
  der = await addSignatureTimestamp(der, {
    timestamp: { url: ctx.tsa.url, ...(ctx.tsa.policy ? { policy: ctx.tsa.policy } : {}) },
  });
  return { der, timestamped: true };
}

function purposeOfKeyType(keyType: string): KeyRequirements['purpose'] {
  // commonUtils: SIGNATURE and AUTHENTICATION select; anything else lets the person pick any key.
  if (keyType === 'SIGNATURE') return 'sign';
  if (keyType === 'AUTHENTICATION') return 'auth';
  return 'any';
}

function certificateDn(key: OpenedKey, which: 'subject' | 'issuer'): string {
  return key.info[which].dn;
}

// ---------------------------------------------------------------------------------------------
// kz.gov.pki.knca.basics

function basicsError(code: string, message: string, details: string): string {
  return JSON.stringify({ status: false, code, message, details });
}

function chainOf(signerParams: BasicsSignerParams): KeyRequirements['chain'] {
  const chain = signerParams.chain;
  if (chain === undefined || chain === null) return 'production';
  if (!Array.isArray(chain)) throw new ArgumentMismatch();
  if (chain.length === 0) return 'any';
  return chain.map((c) => {
    if (typeof c !== 'string') throw new ArgumentMismatch();
    return decodeBase64(c);
  });
}

async function basicsSign(ctx: HandlerContext, origin: string | undefined, raw: unknown): Promise<string> {
  const method = 'basics.sign';
  if (!isRecord(raw))
    return basicsError(
      'INVOCATION_ERROR',
      'An invoked method threw an exception.',
      "org.json.JSONException: A JSONObject text must begin with '{'",
    );
  for (const field of ['signingParams', 'signerParams'] as const) {
    if (raw[field] !== undefined && !isRecord(raw[field]))
      return basicsError(
        'INVOCATION_ERROR',
        'An invoked method threw an exception.',
        `org.json.JSONException: JSONObject["${field}"] is not a JSONObject.`,
      );
  }
  const format = raw.format;
  if (format !== 'cms' && format !== 'xml')
    return basicsError(
      'INVOCATION_ERROR',
      'An invoked method threw an exception.',
      `Unsupported format: ${String(format)}`,
    );
  const several = Array.isArray(raw.data);
  const data = several ? (raw.data as unknown[]) : [raw.data];
  if (data.length === 0 || !data.every((d) => typeof d === 'string' && d !== ''))
    return basicsError(
      'INVOCATION_ERROR',
      'An invoked method threw an exception.',
      'org.json.JSONException: JSONObject["data"] not found.',
    );
  const signing = (raw.signingParams ?? {}) as BasicsSigningParams;
  const signerParams = (raw.signerParams ?? {}) as BasicsSignerParams;
  // Defaults where a field is absent (inferred): text data, attached, not digested.
  const decode = signing.decode === true;
  const encapsulate = signing.encapsulate !== false;
  const digested = signing.digested === true;
  const timestamp = isRecord(signing.tsaProfile);
  let docs: Uint8Array[];
  let chain: KeyRequirements['chain'];
  try {
    docs = (data as string[]).map((d) => (decode || digested ? decodeBase64(d) : utf8.encode(d)));
    chain = chainOf(signerParams);
  } catch {
    return basicsError(
      'INVOCATION_ERROR',
      'An invoked method threw an exception.',
      'java.lang.IllegalArgumentException: Bad Base64 input',
    );
  }
  const eku = Array.isArray(signerParams.extKeyUsageOids)
    ? signerParams.extKeyUsageOids.filter((o): o is string => typeof o === 'string')
    : [];
  const req: KeyRequirements = {
    purpose: 'any',
    extKeyUsageOids: eku,
    ...(typeof signerParams.iin === 'string' && signerParams.iin ? { iin: signerParams.iin } : {}),
    ...(typeof signerParams.bin === 'string' && signerParams.bin ? { bin: signerParams.bin } : {}),
    ...(typeof signerParams.serialNumber === 'string' && signerParams.serialNumber
      ? { serialNumber: signerParams.serialNumber }
      : {}),
    chain,
    allowExpired: signing.allowExpired === true,
  };
  const storages = Array.isArray(raw.allowedStorages)
    ? raw.allowedStorages.filter((s): s is string => typeof s === 'string')
    : null;
  const what = `${method} (${format}, ${docs.length} document${docs.length > 1 ? 's' : ''})`;
  const got = await obtainKey(ctx, origin, method, what, req, storages);
  if (!got.ok) {
    if (got.why === 'cancel') return JSON.stringify({ status: true, body: {} });
    // Inferred: the real dialog lists no key; the emulator says why instead of waiting for a cancel.
    return basicsError('EMPTY_KEY_LIST', 'No suitable key found.', got.detail);
  }
  const { key } = got;
  let results: string[];
  let timestamped = false;
  if (format === 'cms') {
    results = [];
    for (const doc of docs) {
      const made = await makeCms(
        ctx,
        key,
        digested ? { digest: doc } : { content: doc, detached: !encapsulate },
        timestamp,
      );
      timestamped = made.timestamped;
      results.push(toPem(made.der, 'CMS'));
    }
  } else {
    results = [];
    for (const doc of docs) {
      let xml: string;
      try {
        xml = utf8Text.decode(doc);
        results.push(await signXmlDocument(xml, key.signer.key, key.pem));
      } catch (e) {
        if (e instanceof XmlParseError || e instanceof TypeError)
          return basicsError(
            'INVOCATION_ERROR',
            'An invoked method threw an exception.',
            (e as Error).message,
          );
        throw e;
      }
    }
  }
  ctx.emit({ type: 'signed', method, file: key.file.name, format, count: results.length, timestamped });
  // NCALayer answers one CMS for one document, and XML always as a list (seen in its answers).
  const signatures: string | string[] = format === 'cms' && !several ? (results[0] as string) : results;
  const result =
    signing.outputCert === true ? { signatures, certificate: toBase64(key.signer.certificate) } : signatures;
  return JSON.stringify({ status: true, body: { result } });
}

// ---------------------------------------------------------------------------------------------
// kz.gov.pki.knca.commonUtils

function cuOk(responseObject?: unknown): string {
  return JSON.stringify(responseObject === undefined ? { code: '200' } : { code: '200', responseObject });
}

function cuError(message?: string): string {
  return JSON.stringify(message === undefined ? { code: '500' } : { code: '500', message });
}

function keyInfoOf(key: OpenedKey): Record<string, string> {
  const { info } = key;
  return {
    alias: key.alias,
    keyId: info.subjectKeyId ?? '',
    algorithm: info.keyAlgorithm.startsWith('GOST') ? 'ECGOST34310' : info.keyAlgorithm.replace(/-.*/, ''),
    subjectCn: info.commonName ?? '',
    subjectDn: info.subject.dn,
    issuerCn: info.issuer.fields.CN ?? '',
    issuerDn: info.issuer.dn,
    serialNumber: info.serialNumber,
    certNotBefore: String(new Date(info.notBefore).getTime()),
    certNotAfter: String(new Date(info.notAfter).getTime()),
    authorityKeyIdentifier: info.authorityKeyId ?? '',
    pem: key.pem,
  };
}

const COMMON_UTILS_ARITY: Readonly<Record<string, number>> = {
  getActiveTokens: 0,
  getKeyInfo: 1,
  createCAdESFromBase64: 4,
  createCAdESFromBase64Hash: 3,
  createCMSSignatureFromBase64: 4,
  signXml: 5,
  signXmls: 5,
  changeLocale: 1,
};

async function commonUtils(
  ctx: HandlerContext,
  origin: string | undefined,
  method: string,
  rawArgs: unknown,
): Promise<string> {
  const name = `commonUtils.${method}`;
  const arity = COMMON_UTILS_ARITY[method];
  if (arity === undefined) return cuError(`java.lang.NoSuchMethodException: ${method}`);
  const args = rawArgs === undefined ? [] : rawArgs;
  if (!Array.isArray(args) || args.length !== arity)
    return cuError(`java.lang.IllegalArgumentException: wrong number of arguments. Method: ${method}`);
  const mismatch = () =>
    cuError(`java.lang.IllegalArgumentException: argument type mismatch. Method: ${method}`);
  const signWith = async (storage: string, keyType: string, what: string) =>
    obtainKey(ctx, origin, name, what, { purpose: purposeOfKeyType(keyType), chain: 'any' }, [storage]);
  const refusedOrCancelled = (got: Obtained) =>
    got.ok ? '' : got.why === 'cancel' ? cuError(ACTION_CANCELED) : cuError(`EMPTY_KEY_LIST: ${got.detail}`);
  try {
    switch (method) {
      case 'getActiveTokens':
        return cuOk(ctx.activeTokens);
      case 'changeLocale':
        str(args, 0);
        return cuOk();
      case 'getKeyInfo': {
        const storage = str(args, 0);
        const got = await obtainKey(ctx, origin, name, name, { purpose: 'any', chain: 'any' }, [storage]);
        if (!got.ok) return refusedOrCancelled(got);
        return cuOk(keyInfoOf(got.key));
      }
      case 'createCAdESFromBase64':
      case 'createCMSSignatureFromBase64': {
        const [storage, keyType, b64] = [str(args, 0), str(args, 1), str(args, 2)];
        const attach = bool(args, 3);
        const content = decodeBase64(b64);
        const got = await signWith(storage, keyType, `${name} (${attach ? 'attached' : 'detached'})`);
        if (!got.ok) return refusedOrCancelled(got);
        const made = await makeCms(
          ctx,
          got.key,
          { content, detached: !attach },
          method === 'createCMSSignatureFromBase64',
        );
        ctx.emit({
          type: 'signed',
          method: name,
          file: got.key.file.name,
          format: 'cms',
          count: 1,
          timestamped: made.timestamped,
        });
        return cuOk(toBase64(made.der));
      }
      case 'createCAdESFromBase64Hash': {
        const [storage, keyType, b64] = [str(args, 0), str(args, 1), str(args, 2)];
        if (b64 === '') return cuError(); // as NCALayer answers an empty hash: {code:"500"} alone
        const digest = decodeBase64(b64);
        const got = await signWith(storage, keyType, name);
        if (!got.ok) return refusedOrCancelled(got);
        let made: { der: Uint8Array; timestamped: boolean };
        try {
          made = await makeCms(ctx, got.key, { digest }, false);
        } catch (e) {
          if (isPkiError(e, 'ERR_INVALID_ARGUMENT'))
            return cuError(`java.lang.IllegalArgumentException: ${e.message}`);
          throw e;
        }
        ctx.emit({
          type: 'signed',
          method: name,
          file: got.key.file.name,
          format: 'cms',
          count: 1,
          timestamped: false,
        });
        return cuOk(toBase64(made.der));
      }
      case 'signXml':
      case 'signXmls': {
        const [storage, keyType] = [str(args, 0), str(args, 1)];
        const docs = method === 'signXml' ? [str(args, 2)] : args[2];
        if (!Array.isArray(docs) || !docs.every((d) => typeof d === 'string')) return mismatch();
        const tbs = str(args, 3);
        const parent = str(args, 4);
        const got = await signWith(
          storage,
          keyType,
          `${name} (${docs.length} document${docs.length > 1 ? 's' : ''})`,
        );
        if (!got.ok) return refusedOrCancelled(got);
        const out: string[] = [];
        for (const doc of docs as string[]) {
          out.push(
            await signXmlDocument(doc, got.key.signer.key, got.key.pem, {
              ...(tbs ? { referenceXPath: tbs } : {}),
              ...(parent ? { parentXPath: parent } : {}),
            }),
          );
        }
        ctx.emit({
          type: 'signed',
          method: name,
          file: got.key.file.name,
          format: 'xml',
          count: out.length,
          timestamped: false,
        });
        return cuOk(method === 'signXml' ? out[0] : out);
      }
    }
  } catch (e) {
    if (e instanceof ArgumentMismatch) return mismatch();
    if (e instanceof XmlParseError) return cuError(e.message);
    throw e;
  }
  return cuError(`java.lang.NoSuchMethodException: ${method}`);
}

// ---------------------------------------------------------------------------------------------
// The legacy applet API

function legacy(errorCode: LegacyErrorCode, result: unknown = '', secondResult?: unknown): string {
  return JSON.stringify({ result, ...(secondResult !== undefined ? { secondResult } : {}), errorCode });
}

/** The key file a legacy call names, if it is one of the folder's (pages may not open other files). */
async function legacyFile(ctx: HandlerContext, storagePath: string): Promise<KeyFileEntry | undefined> {
  let files: KeyFileEntry[];
  try {
    files = listKeyFiles(ctx.keysDir, ctx.caDir);
  } catch {
    return undefined;
  }
  return files.find((f) => f.path === resolve(storagePath) || f.name === storagePath);
}

function legacyPurposeMatches(key: OpenedKey, type: string): boolean {
  // The same reading as the other generations': a GOST-2015 key is listed for AUTH and for SIGN.
  if (type === 'SIGN') return keyPurposes(key.info).includes('sign');
  if (type === 'AUTH') return keyPurposes(key.info).includes('auth');
  return true;
}

const HASHES: Readonly<Record<string, DigestName>> = {
  SHA1: 'SHA-1',
  'SHA-1': 'SHA-1',
  SHA256: 'SHA-256',
  'SHA-256': 'SHA-256',
  SHA384: 'SHA-384',
  SHA512: 'SHA-512',
  GOST34311: 'GOST34311-95',
  GOST3411: 'GOST34311-95',
  GOST3411_2015_256: 'STREEBOG-256',
  GOST3411_2015_512: 'STREEBOG-512',
};

async function legacyCall(
  ctx: HandlerContext,
  origin: string | undefined,
  method: string,
  rawArgs: unknown,
): Promise<string | undefined> {
  const args = Array.isArray(rawArgs) ? rawArgs : [];
  try {
    switch (method) {
      case 'setLocale':
        return undefined; // NCALayer does not answer setLocale
      case 'browseKeyStore': {
        str(args, 0);
        const got = await ctx.person.choose({
          origin,
          what: 'browseKeyStore (pick a key file)',
          requirements: { purpose: 'any', chain: 'any' },
          files: listKeyFiles(ctx.keysDir, ctx.caDir),
          suitable: async () => [],
        });
        if (got.action === 'cancel') {
          ctx.emit({ type: 'cancel', method });
          return legacy('NONE', ''); // no path: the page reads an empty result as "nothing picked"
        }
        return legacy('NONE', got.file.path);
      }
      case 'getHash': {
        const data = str(args, 0);
        const alg = HASHES[str(args, 1).toUpperCase()];
        if (!alg) return legacy('COMMON_ERROR', `Unknown digest algorithm ${String(args[1])}`);
        return legacy('NONE', toBase64(await computeDigest(alg, utf8.encode(data))));
      }
    }
    const KEY_METHODS = new Set([
      'getKeys',
      'getNotBefore',
      'getNotAfter',
      'getSubjectDN',
      'getIssuerDN',
      'getRdnByOid',
      'signPlainData',
      'createCMSSignature',
      'createCMSSignatureFromFile',
      'signXml',
      'signXmlByElementId',
    ]);
    if (!KEY_METHODS.has(method)) return legacy('UNKNOWN_METHOD', `Unknown method ${method}`);
    str(args, 0);
    const file = await legacyFile(ctx, str(args, 1));
    if (!file) return legacy('COMMON_ERROR', 'The key store file is not found');
    const password = str(args, method === 'getKeys' ? 2 : 3);
    let key: OpenedKey;
    try {
      key = await openKeyFile(file, password);
    } catch (e) {
      if (isPkiError(e, 'ERR_PKCS12_BAD_PASSWORD')) {
        ctx.emit({ type: 'wrong-password', method, file: file.name, attempt: 1 });
        return legacy('WRONG_PASSWORD', -1); // files have no attempt counter (tokens give the attempts left)
      }
      return legacy('COMMON_ERROR', (e as Error).message);
    }
    if (method === 'getKeys') {
      const type = str(args, 3).toUpperCase();
      if (!legacyPurposeMatches(key, type)) return legacy('EMPTY_KEY_LIST');
      const line = `${key.info.keyAlgorithm.replace(/-.*/, '')}|${key.info.commonName ?? ''}|${key.info.serialNumber}|${key.alias}`;
      return legacy('NONE', `${line}\n`);
    }
    const alias = str(args, 2);
    if (alias !== key.alias) return legacy('EMPTY_KEY_LIST', `No key with alias ${alias}`);
    switch (method) {
      case 'getNotBefore':
        return legacy('NONE', key.info.notBefore);
      case 'getNotAfter':
        return legacy('NONE', key.info.notAfter);
      case 'getSubjectDN':
        return legacy('NONE', certificateDn(key, 'subject'));
      case 'getIssuerDN':
        return legacy('NONE', certificateDn(key, 'issuer'));
      case 'getRdnByOid': {
        const oid = str(args, 4);
        const index = typeof args[5] === 'number' ? args[5] : 0;
        const values = key.info.subject.attributes.filter((a) => a.type === oid).map((a) => a.value);
        const value = values[index];
        return value === undefined ? legacy('RDN_NOT_FOUND') : legacy('NONE', String(value));
      }
      case 'signPlainData': {
        const data = str(args, 4);
        const signature = await prepareSigner(key.signer.key).sign(utf8.encode(data));
        ctx.emit({ type: 'signed', method, file: file.name, format: 'raw', count: 1, timestamped: false });
        return legacy('NONE', toBase64(signature));
      }
      case 'createCMSSignature':
      case 'createCMSSignatureFromFile': {
        let content: Uint8Array;
        if (method === 'createCMSSignature') content = utf8.encode(str(args, 4));
        else {
          const path = await readableFile(ctx, str(args, 4));
          if (!path)
            return legacy('COMMON_ERROR', 'The file is outside the folder the emulator may read (--files)');
          content = new Uint8Array(await readFile(path));
        }
        const attached = bool(args, 5);
        const made = await makeCms(ctx, key, { content, detached: !attached }, false);
        ctx.emit({ type: 'signed', method, file: file.name, format: 'cms', count: 1, timestamped: false });
        return legacy('NONE', toBase64(made.der));
      }
      case 'signXml':
      case 'signXmlByElementId': {
        const xml = str(args, 4);
        let options = {};
        if (method === 'signXmlByElementId') {
          const [element, idAttr, parent] = [
            str(args, 5),
            str(args, 6),
            typeof args[7] === 'string' ? args[7] : '',
          ];
          options = {
            referenceXPath: `//*[local-name()='${xpathName(element)}']`,
            idAttribute: idAttr,
            ...(parent ? { parentXPath: `//*[local-name()='${xpathName(parent)}']` } : {}),
          };
        }
        try {
          const signed = await signXmlDocument(xml, key.signer.key, key.pem, options);
          ctx.emit({ type: 'signed', method, file: file.name, format: 'xml', count: 1, timestamped: false });
          return legacy('NONE', signed);
        } catch (e) {
          if (e instanceof XmlParseError) return legacy('XML_PARSE_EXCEPTION', e.message);
          throw e;
        }
      }
    }
  } catch (e) {
    if (e instanceof ArgumentMismatch)
      return legacy('COMMON_ERROR', `argument type mismatch. Method: ${method}`);
    throw e;
  }
  return legacy('UNKNOWN_METHOD', `Unknown method ${method}`);
}

/** An element name usable inside an XPath string literal. */
function xpathName(name: string): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new ArgumentMismatch();
  return name;
}

/** `path`, resolved, when it lies inside the folder `createCMSSignatureFromFile` may read. */
async function readableFile(ctx: HandlerContext, path: string): Promise<string | undefined> {
  if (!ctx.filesDir) return undefined;
  try {
    const root = await realpath(ctx.filesDir);
    const target = await realpath(resolve(root, path));
    const rel = relative(root, target);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? target : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

/** `module.method` (or the legacy method) of a request, for logs. */
export function requestLabel(message: unknown): string {
  if (!isRecord(message) || typeof message.method !== 'string') return '(not a request)';
  return typeof message.module === 'string' ? `${message.module}.${message.method}` : message.method;
}

/**
 * Answers one request (a text frame); `undefined` when NCALayer sends no answer (the legacy
 * `setLocale`). Never throws for bad input: every failure has an answer in the request's
 * generation.
 */
export async function answerRequest(
  ctx: HandlerContext,
  origin: string | undefined,
  text: string,
): Promise<string | undefined> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    // Inferred: NCALayer's answer to text that is not JSON.
    return JSON.stringify({
      code: '500',
      message: "org.json.JSONException: A JSONObject text must begin with '{'",
    });
  }
  if (!isRecord(message) || typeof message.method !== 'string')
    return JSON.stringify({
      code: '500',
      message: 'org.json.JSONException: JSONObject["method"] not found.',
    });
  const { module, method } = message;
  const label = requestLabel(message);
  let answer: string | undefined;
  try {
    if (module === NCALAYER_MODULES.basics) {
      answer =
        method === 'sign'
          ? await basicsSign(ctx, origin, message.args)
          : basicsError(
              'INVOCATION_ERROR',
              'An invoked method threw an exception.',
              `No such method: ${method}`,
            );
    } else if (module === NCALAYER_MODULES.commonUtils) {
      answer = await commonUtils(ctx, origin, method, message.args);
    } else if (module === undefined) {
      answer = await legacyCall(ctx, origin, method, message.args);
    } else {
      answer = JSON.stringify({ code: '500', message: `Module ${String(module)} is not installed` });
    }
  } catch (e) {
    // A failure of the emulator itself (a TSA that does not answer, a key file that cannot sign):
    // answered in the request's generation, and logged.
    const text = e instanceof Error ? e.message : String(e);
    ctx.emit({ type: 'warning', message: `${label} failed: ${text}` });
    answer =
      module === NCALAYER_MODULES.basics
        ? basicsError('INVOCATION_ERROR', 'An invoked method threw an exception.', text)
        : module === NCALAYER_MODULES.commonUtils
          ? cuError(text)
          : legacy('COMMON_ERROR', text);
  }
  if (answer !== undefined)
    ctx.emit({
      type: 'answered',
      method: label,
      ok: !/"status":false|"code":"500"|"errorCode":"(?!NONE)/.test(answer),
    });
  return answer;
}
