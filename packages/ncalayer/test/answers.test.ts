/**
 * Reading NCALayer's answers without a connection: the three generations' success, cancel and
 * error shapes (the literal answers are those NCALayer and KAZTOKEN desktop gave in the public
 * sigex ncalayer-js-client test data), normalisation of signatures, the greeting, and
 * signerParams.
 */
import { NCA_OIDS, toBase64, toPem } from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import { readBasicsAnswer, readCommonUtilsAnswer, readLegacyAnswer, signedCmsOf } from '../src/answers.js';
import { greetingVersion } from '../src/connection.js';
import { isNCALayerError, type NCALayerErrorCode } from '../src/errors.js';
import { signerParamsOf } from '../src/signer-params.js';

function codeOf(f: () => unknown): NCALayerErrorCode | 'OK' {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (isNCALayerError(e)) return e.code;
    throw e;
  }
}

// A minimal DER SEQUENCE standing in for a ContentInfo (the reader checks the tag and decoding only).
const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);

describe('basics answers', () => {
  it('result single, array, {signatures, certificate}', () => {
    expect(readBasicsAnswer({ status: true, body: { result: 'X' } })).toBe('X');
    expect(readBasicsAnswer({ status: true, body: { result: ['a', 'b'] } })).toEqual(['a', 'b']);
    expect(
      readBasicsAnswer({ status: true, body: { result: { signatures: ['s'], certificate: 'c' } } }),
    ).toEqual({
      signatures: ['s'],
      certificate: 'c',
    });
  });

  it('{status:true, body:{}} is the person’s cancel', () => {
    expect(codeOf(() => readBasicsAnswer(JSON.parse('{"body":{},"status":true}')))).toBe(
      'ERR_USER_CANCELLED',
    );
  });

  it('errors by code, details and message', () => {
    const recorded = JSON.parse(
      '{"code":"INVOCATION_ERROR","details":"org.json.JSONException: JSONObject[\\"signingParams\\"] is not a JSONObject.","message":"An invoked method threw an exception.","status":false}',
    );
    expect(codeOf(() => readBasicsAnswer(recorded))).toBe('ERR_INVALID_ARGUMENT');
    try {
      readBasicsAnswer(recorded);
    } catch (e) {
      expect(isNCALayerError(e) && e.details).toMatchObject({
        ncalayerCode: 'INVOCATION_ERROR',
        ncalayerMessage: 'An invoked method threw an exception.',
        method: 'basics.sign',
      });
    }
    expect(codeOf(() => readBasicsAnswer({ status: false, code: 'EMPTY_KEY_LIST' }))).toBe('ERR_NO_KEY');
    expect(codeOf(() => readBasicsAnswer({ status: false, code: 'SOMETHING' }))).toBe('ERR_NCALAYER');
  });

  it('shapes that are not basics answers: ERR_PROTOCOL', () => {
    for (const bad of [
      null,
      'x',
      {},
      { status: 'true' },
      { status: true },
      { status: true, body: { result: 5 } },
    ])
      expect(
        codeOf(() => readBasicsAnswer(bad)),
        JSON.stringify(bad),
      ).toBe('ERR_PROTOCOL');
  });
});

describe('commonUtils answers', () => {
  it('200 gives responseObject (absent for changeLocale)', () => {
    expect(
      readCommonUtilsAnswer(JSON.parse('{"responseObject":["AKKaztokenStore"],"code":"200"}'), 'm'),
    ).toEqual(['AKKaztokenStore']);
    expect(readCommonUtilsAnswer(JSON.parse('{"code":"200"}'), 'changeLocale')).toBeUndefined();
  });

  it('500 by message: cancel, argument mismatch, XML parse errors, others', () => {
    const cases: Array<[string, NCALayerErrorCode]> = [
      ['{"code":"500","message":"action.canceled"}', 'ERR_USER_CANCELLED'],
      [
        '{"code":"500","message":"java.lang.IllegalArgumentException: argument type mismatch. Method: getKeyInfo"}',
        'ERR_INVALID_ARGUMENT',
      ],
      [
        '{"code":"500","message":"org.xml.sax.SAXParseException; lineNumber: 1; columnNumber: 25; XML document structures must start and end within the same entity."}',
        'ERR_XML_INVALID',
      ],
      ['{"code":"500"}', 'ERR_NCALAYER'],
    ];
    for (const [text, code] of cases)
      expect(
        codeOf(() => readCommonUtilsAnswer(JSON.parse(text), 'm')),
        text,
      ).toBe(code);
  });
});

describe('legacy answers', () => {
  it('NONE gives result and secondResult', () => {
    expect(readLegacyAnswer({ result: 'r', secondResult: 's', errorCode: 'NONE' }, 'm')).toEqual({
      result: 'r',
      secondResult: 's',
    });
  });

  it('WRONG_PASSWORD carries the attempts left of a token', () => {
    try {
      readLegacyAnswer({ result: '2', errorCode: 'WRONG_PASSWORD' }, 'getKeys');
      expect.unreachable();
    } catch (e) {
      expect(isNCALayerError(e, 'ERR_WRONG_PASSWORD') && e.details.attemptsLeft).toBe(2);
    }
    expect(codeOf(() => readLegacyAnswer({ result: -1, errorCode: 'WRONG_PASSWORD' }, 'm'))).toBe(
      'ERR_WRONG_PASSWORD',
    );
  });

  it('other codes', () => {
    expect(codeOf(() => readLegacyAnswer({ errorCode: 'EMPTY_KEY_LIST' }, 'm'))).toBe('ERR_NO_KEY');
    expect(codeOf(() => readLegacyAnswer({ errorCode: 'XML_PARSE_EXCEPTION' }, 'm'))).toBe('ERR_XML_INVALID');
    expect(codeOf(() => readLegacyAnswer({ errorCode: 'RDN_NOT_FOUND' }, 'm'))).toBe('ERR_NCALAYER');
    expect(codeOf(() => readLegacyAnswer({ result: 'x' }, 'm'))).toBe('ERR_PROTOCOL');
  });
});

describe('signatures, normalised', () => {
  it('PEM (basics), base64 DER (commonUtils) and PKCS7 PEM give the same bytes', () => {
    const forms = [
      toPem(der, 'CMS'),
      toBase64(der),
      toPem(der, 'PKCS7'),
      `${toBase64(der).slice(0, 3)}\r\n${toBase64(der).slice(3)}`,
    ];
    for (const f of forms) {
      const cms = signedCmsOf(f, 'm');
      expect(cms.der).toEqual(der);
      expect(cms.base64).toBe(toBase64(der));
      expect(cms.pem).toBe(toPem(der, 'CMS'));
    }
  });

  it('an empty PEM (as signatures stripped from recorded answers look) or other text: ERR_PROTOCOL', () => {
    for (const bad of ['-----BEGIN CMS-----\n-----END CMS-----\n', 'Actual signature stripped', 42, 'AAAA'])
      expect(
        codeOf(() => signedCmsOf(bad, 'm')),
        String(bad),
      ).toBe('ERR_PROTOCOL');
  });
});

describe('the greeting', () => {
  it('{"result":{"version":"1.2"}}, a JSON string result, and messages that are not greetings', () => {
    expect(greetingVersion(JSON.parse('{"result":{"version":"1.2"}}'))).toBe('1.2');
    expect(greetingVersion({ result: '{"version":"1.1"}' })).toBe('1.1');
    expect(greetingVersion({ result: { version: 1.4 } })).toBe('1.4');
    for (const other of [{ code: '200' }, { result: 'x' }, null, '--heartbeat--'])
      expect(greetingVersion(other)).toBeUndefined();
  });
});

describe('signerParams', () => {
  it('purpose, roles, IIN/BIN, test keys, named CAs', () => {
    expect(signerParamsOf()).toEqual({ extKeyUsageOids: [NCA_OIDS.eku.emailProtection] });
    expect(signerParamsOf({ purpose: 'auth', allowTestKeys: true })).toEqual({
      extKeyUsageOids: [NCA_OIDS.eku.clientAuth],
      chain: [],
    });
    expect(
      signerParamsOf({
        roles: [NCA_OIDS.role.firstManager],
        bin: '940140000385',
        iin: '871008401427',
        purpose: 'any',
      }),
    ).toEqual({ extKeyUsageOids: [NCA_OIDS.role.firstManager], bin: '940140000385', iin: '871008401427' });
    expect(signerParamsOf({ caCertificates: [der], allowTestKeys: true }).chain).toEqual([toBase64(der)]);
    for (const bad of [
      { iin: '123' },
      { bin: 'BIN940140000385' },
      { roles: ['first-manager'] },
      { serialNumber: 'xyz' },
    ])
      expect(
        codeOf(() => signerParamsOf(bad)),
        JSON.stringify(bad),
      ).toBe('ERR_INVALID_ARGUMENT');
  });
});
