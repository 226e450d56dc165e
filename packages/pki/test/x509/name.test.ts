import { readdirSync } from 'node:fs';
import { hasNcaFixtures, hasTool, ncaFixturePath, readNcaFixture, runTool } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/der/encoding.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import {
  type DistinguishedName,
  type DnValueEncoding,
  decodeName,
  encodeName,
  formatName,
  namesEqual,
  nameToDer,
} from '../../src/x509/name.js';

const CN = '2.5.4.3';
const O = '2.5.4.10';
const C = '2.5.4.6';
const SERIAL = '2.5.4.5';
const E = '1.2.840.113549.1.9.1';
const DC = '0.9.2342.19200300.100.1.25';

/** A name straight from DER hex (for structures encodeName does not produce). */
function rdnsFromHex(hex: string): pkijs.RelativeDistinguishedNames {
  const asn1 = asn1js.fromBER(fromHex(hex));
  expect(asn1.offset).toBe(hex.length / 2);
  return new pkijs.RelativeDistinguishedNames({ schema: asn1.result });
}

/** A name from RDNs of (type, ASN.1 value) pairs, multi-valued RDNs allowed. */
function rawName(rdns: Array<Array<[string, asn1js.AsnType]>>): pkijs.RelativeDistinguishedNames {
  const seq = new asn1js.Sequence({
    value: rdns.map(
      (rdn) =>
        new asn1js.Set({
          value: rdn.map(
            ([type, value]) =>
              new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), value] }),
          ),
        }),
    ),
  });
  return rdnsFromHex(toHex(new Uint8Array(seq.toBER(false))));
}
const ps = (value: string) => new asn1js.PrintableString({ value });

function certificateFiles(): string[] {
  return ['ca-test', 'ca-prod-2015-2018', 'ee-test'].flatMap((dir) =>
    readdirSync(ncaFixturePath(dir)).map((f) => `${dir}/${f}`),
  );
}

describe('encodeName', () => {
  it('writes one RDN per attribute, with the NCA string types by default', () => {
    const rdns = encodeName([
      { type: CN, value: 'ТЕСТОВ ТЕСТ' },
      { type: SERIAL, value: 'IIN123456789011' },
      { type: C, value: 'KZ' },
      { type: E, value: 'a@b.kz' },
      { type: DC, value: 'ROLE02' },
    ]);
    const seq = asn1js.fromBER(nameToDer(rdns)).result as asn1js.Sequence;
    expect(seq.valueBlock.value).toHaveLength(5);
    const tags = seq.valueBlock.value.map((set) => {
      const atvs = (set as asn1js.Set).valueBlock.value;
      expect(atvs).toHaveLength(1);
      return (atvs[0] as asn1js.Sequence).valueBlock.value[1]!.idBlock.tagNumber;
    });
    expect(tags).toEqual([12, 19, 19, 22, 22]); // UTF8, Printable, Printable, IA5, IA5
  });

  it('keeps its encoding inside a pkijs certificate (pkijs alone would merge the RDNs)', () => {
    const cert = new pkijs.Certificate();
    cert.subject = encodeName([
      { type: CN, value: 'A' },
      { type: C, value: 'KZ' },
    ]);
    const der = new Uint8Array(cert.subject.toSchema().toBER(false));
    expect(toHex(der)).toBe('3019' + '310a300806035504030c0141' + '310b3009060355040613024b5a');
  });

  it('round-trips every string type (property)', { timeout: 30_000 }, () => {
    const chars = (min: number, max: number, skip?: (c: number) => boolean) =>
      fc
        .integer({ min, max })
        .filter((c) => !skip?.(c))
        .map((c) => String.fromCharCode(c));
    const valueArb: Record<Exclude<DnValueEncoding, 'der'>, fc.Arbitrary<string>> = {
      utf8: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      universal: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      bmp: fc.string({ unit: chars(0, 0xffff, (c) => c >= 0xd800 && c <= 0xdfff), minLength: 1 }),
      printable: fc.stringMatching(/^[A-Za-z0-9 '()+,\-./:=?]{1,30}$/),
      ia5: fc.string({ unit: 'binary-ascii', minLength: 1 }),
      numeric: fc.stringMatching(/^[0-9 ]{1,20}$/),
      visible: fc.stringMatching(/^[\x20-\x7e]{1,30}$/),
      teletex: fc.string({ unit: chars(0, 0xff), minLength: 1 }),
    };
    const attr = fc.oneof(
      ...Object.entries(valueArb).map(([encoding, value]) =>
        fc.record({
          type: fc.constantFrom(CN, O, '2.5.4.97', '1.2.398.3.3.9.1'),
          value,
          encoding: fc.constant(encoding as DnValueEncoding),
        }),
      ),
    );
    fc.assert(
      fc.property(fc.array(attr, { minLength: 0, maxLength: 6 }), (dn) => {
        const back = decodeName(encodeName(dn));
        expect(back).toEqual(dn);
        // and again from the DER alone
        expect(decodeName(rdnsFromHex(toHex(nameToDer(dn))))).toEqual(dn);
      }),
      { numRuns: 300 },
    );
  });

  it('writes long values with long-form lengths', () => {
    const value = 'Ә'.repeat(300);
    expect(decodeName(encodeName([{ type: O, value }]))).toEqual([{ type: O, value, encoding: 'utf8' }]);
  });

  it('accepts raw DER values', () => {
    const dn: DistinguishedName = [{ type: '1.2.3.4', value: '#020105', encoding: 'der' }];
    expect(decodeName(encodeName(dn))).toEqual(dn);
  });

  it.each<[string, DistinguishedName]>([
    ['a type that is not an OID', [{ type: 'CN', value: 'x' }]],
    ['an OID with a leading zero arc', [{ type: '2.05.4.3', value: 'x' }]],
    ['an empty value', [{ type: CN, value: '' }]],
    ['@ in a PrintableString', [{ type: CN, value: 'a@b', encoding: 'printable' }]],
    ['Cyrillic in an IA5String', [{ type: E, value: 'я@b.kz' }]],
    ['a country of three letters', [{ type: C, value: 'KAZ' }]],
    ['a country as UTF8String', [{ type: C, value: 'KZ', encoding: 'utf8' }]],
    ['SERIALNUMBER as UTF8String', [{ type: SERIAL, value: 'IIN1', encoding: 'utf8' }]],
    ['a character beyond U+FFFF in a BMPString', [{ type: CN, value: '😀', encoding: 'bmp' }]],
    ['a lone surrogate', [{ type: CN, value: 'a\ud800' }]],
    ['a character beyond U+00FF in a TeletexString', [{ type: CN, value: 'Ж', encoding: 'teletex' }]],
    ['a non-hex raw value', [{ type: CN, value: '#zz', encoding: 'der' }]],
    ['raw value with trailing bytes', [{ type: CN, value: '#02010500', encoding: 'der' }]],
    ['a raw UniversalString of 3 bytes', [{ type: CN, value: '#1c03414243', encoding: 'der' }]],
    ['an unknown encoding', [{ type: CN, value: 'x', encoding: 'utf16' as never }]],
  ])('rejects %s with ERR_INVALID_ARGUMENT', (_, dn) => {
    expect(() => encodeName(dn)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('decodeName', () => {
  it('reads non-string values as raw DER', () => {
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, INTEGER 5 } } }
    const rdns = rdnsFromHex('300c310a30080603550403020105');
    expect(decodeName(rdns)).toEqual([{ type: CN, value: '#020105', encoding: 'der' }]);
    expect(formatName(rdns)).toBe('CN=#020105');
  });

  it('reads BMPString and UniversalString', () => {
    // CN = BMPString "Ая" (04 10 04 4f), O = UniversalString "😀" (00 01 f6 00)
    const rdns = rawName([
      [
        [
          CN,
          new asn1js.Primitive({
            idBlock: { tagClass: 1, tagNumber: 30 },
            valueHex: fromHex('0410044f').slice().buffer,
          }),
        ],
      ],
      [
        [
          O,
          new asn1js.Primitive({
            idBlock: { tagClass: 1, tagNumber: 28 },
            valueHex: fromHex('0001f600').slice().buffer,
          }),
        ],
      ],
    ]);
    expect(decodeName(rdns)).toEqual([
      { type: CN, value: 'Ая', encoding: 'bmp' },
      { type: O, value: '😀', encoding: 'universal' },
    ]);
  });

  it('flattens a multi-valued RDN in order; formatName joins it with +', () => {
    const rdns = rawName([
      [
        [CN, ps('a')],
        [O, ps('b')],
      ],
      [[C, ps('KZ')]],
    ]);
    expect(decodeName(rdns)).toEqual([
      { type: CN, value: 'a', encoding: 'printable' },
      { type: O, value: 'b', encoding: 'printable' },
      { type: C, value: 'KZ', encoding: 'printable' },
    ]);
    expect(formatName(rdns)).toBe('C=KZ,CN=a+O=b');
  });
});

describe('formatName (RFC 4514)', () => {
  it('writes the last RDN first with the short names', () => {
    expect(
      formatName([
        { type: DC, value: 'ROLE02' },
        { type: CN, value: 'ТЕСТТОВ ТЕСТТ' },
        { type: '2.5.4.4', value: 'ТЕСТТОВ' },
        { type: SERIAL, value: 'IIN123456789012' },
        { type: C, value: 'KZ' },
        { type: O, value: 'АО "ТЕСТ"' },
        { type: '2.5.4.11', value: 'BIN123456789021' },
        { type: '2.5.4.15', value: 'KS1234' },
        { type: '2.5.4.42', value: 'ТЕСТТОВИЧ' },
        { type: E, value: 'a@b.kz' },
        { type: '0.9.2342.19200300.100.1.1', value: '1.2.398.6.10.1.1' },
      ]),
    ).toBe(
      'UID=1.2.398.6.10.1.1,E=a@b.kz,GIVENNAME=ТЕСТТОВИЧ,BUSINESSCATEGORY=KS1234,OU=BIN123456789021,' +
        'O=АО \\"ТЕСТ\\",C=KZ,SERIALNUMBER=IIN123456789012,SURNAME=ТЕСТТОВ,CN=ТЕСТТОВ ТЕСТТ,DC=ROLE02',
    );
  });

  it.each([
    ['a,b', 'CN=a\\,b'],
    ['a+b;c<d>e\\f"g', 'CN=a\\+b\\;c\\<d\\>e\\\\f\\"g'],
    ['#tag', 'CN=\\#tag'],
    ['a#b', 'CN=a#b'],
    [' padded ', 'CN=\\ padded\\ '],
    ['in ner', 'CN=in ner'],
    ['nul\u0000x', 'CN=nul\\00x'],
    ['line\nbreak', 'CN=line\\0abreak'],
    ['a=b', 'CN=a=b'],
  ])('escapes %j', (value, expected) => {
    expect(formatName([{ type: CN, value }])).toBe(expected);
  });

  it('writes types without a short name as dotted OIDs with #hex values', () => {
    expect(formatName([{ type: '2.5.4.97', value: 'NTRKZ-1' }])).toBe('2.5.4.97=#0c074e54524b5a2d31');
  });

  it('escapes reversibly (property)', { timeout: 30_000 }, () => {
    // Minimal RFC 4514 value parser for one attribute: \X and \HH (UTF-8 octets).
    const unescape4514 = (s: string): string => {
      const bytes: number[] = [];
      const chars = Array.from(s); // code points
      for (let i = 0; i < chars.length; i++) {
        if (chars[i] === '\\') {
          const hex = `${chars[i + 1]}${chars[i + 2]}`;
          if (/^[0-9a-fA-F]{2}$/.test(hex)) {
            bytes.push(Number.parseInt(hex, 16));
            i += 2;
            continue;
          }
          i++;
        }
        bytes.push(...new TextEncoder().encode(chars[i]!));
      }
      return new TextDecoder().decode(new Uint8Array(bytes));
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (value) => {
        const out = formatName([{ type: CN, value }]);
        const body = out.slice(3);
        // No unescaped separator can remain.
        expect(body.replace(/\\./g, '')).not.toMatch(/[,+;<>"\\\u0000]/);
        expect(unescape4514(body)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('namesEqual (RFC 5280 §7.1)', () => {
  const base: DistinguishedName = [
    { type: CN, value: 'Тестов  Тест' },
    { type: C, value: 'KZ' },
  ];
  it('ignores case, surrounding and repeated spaces and string types', () => {
    expect(
      namesEqual(base, [
        { type: CN, value: ' ТЕСТОВ ТЕСТ' },
        { type: C, value: 'kz', encoding: 'printable' },
      ]),
    ).toBe(true);
    expect(
      namesEqual(base, [
        { type: CN, value: 'Тестов Тест', encoding: 'bmp' },
        { type: C, value: 'KZ' },
      ]),
    ).toBe(true);
  });
  it('respects order, count, types and values', () => {
    expect(namesEqual(base, [...base].reverse())).toBe(false);
    expect(namesEqual(base, base.slice(0, 1))).toBe(false);
    expect(namesEqual(base, [{ type: O, value: 'Тестов Тест' }, base[1]!])).toBe(false);
    expect(namesEqual(base, [{ type: CN, value: 'Тестов Тесть' }, base[1]!])).toBe(false);
  });
  it('treats a multi-valued RDN as a set', () => {
    const ab = rawName([
      [
        [CN, ps('a')],
        [O, ps('b')],
      ],
    ]);
    const ba = rawName([
      [
        [O, ps('B')],
        [CN, ps('a')],
      ],
    ]);
    expect(namesEqual(ab, ba)).toBe(true);
    expect(
      namesEqual(ab, [
        { type: CN, value: 'a' },
        { type: O, value: 'b' },
      ]),
    ).toBe(false);
  });
  it('compares non-string values byte for byte', () => {
    const five = rawName([[[CN, new asn1js.Integer({ value: 5 })]]]);
    const six = rawName([[[CN, new asn1js.Integer({ value: 6 })]]]);
    expect(namesEqual(five, five)).toBe(true);
    expect(namesEqual(five, six)).toBe(false);
  });
});

describe.skipIf(!hasNcaFixtures())('NCA certificate names', () => {
  it('decode and re-encode to the same bytes, string types included', () => {
    const files = certificateFiles();
    expect(files.length).toBe(20);
    for (const file of files) {
      const cert = parseCertificate(readNcaFixture(file));
      for (const rdns of [cert.subject, cert.issuer]) {
        const original = toHex(nameToDer(rdns));
        expect(toHex(nameToDer(decodeName(rdns))), file).toBe(original);
        expect(namesEqual(rdns, decodeName(rdns))).toBe(true);
      }
    }
  });

  it('format the odd subjects (treasury DC + businessCategory, information system UID)', () => {
    const treasury = parseCertificate(readNcaFixture('ee-test/gost2015_treasury_client_2026.pem'));
    expect(formatName(treasury.subject)).toBe(
      'GIVENNAME=ТЕСТТОВИЧ,BUSINESSCATEGORY=KS1234,OU=BIN123456789021,O=АО \\"ТЕСТ\\",C=KZ,' +
        'SERIALNUMBER=IIN123456789012,SURNAME=ТЕСТТОВ,CN=ТЕСТТОВ ТЕСТТ,DC=ROLE02',
    );
    const is = parseCertificate(readNcaFixture('ee-test/gost2015_infosystem_2026.pem'));
    expect(formatName(is.subject)).toBe(
      'OU=BIN123456789021,O=АО \\"ТЕСТ\\",C=KZ,CN=ИС \\"Тест\\",UID=1.2.398.6.10.1.1',
    );
  });

  it.skipIf(!hasTool('openssl'))(
    'agree with openssl -nameopt RFC2253 on every certificate',
    { timeout: 60_000 },
    () => {
      // OpenSSL's short names differ from the ones this package writes; everything else must match.
      const rename: Record<string, string> = {
        GN: 'GIVENNAME',
        SN: 'SURNAME',
        serialNumber: 'SERIALNUMBER',
        businessCategory: 'BUSINESSCATEGORY',
        emailAddress: 'E',
      };
      for (const file of certificateFiles()) {
        const path = ncaFixturePath(file);
        const inform = readNcaFixture(file)[0] === 0x30 ? 'DER' : 'PEM';
        const r = runTool('openssl', [
          'x509',
          '-inform',
          inform,
          '-in',
          path,
          '-noout',
          '-subject',
          '-issuer',
          '-nameopt',
          'RFC2253,-esc_msb',
        ]);
        expect(r.status, r.stderr).toBe(0);
        const [subject, issuer] = r.stdout
          .trim()
          .split('\n')
          .map((l) =>
            l
              .replace(/^(subject|issuer)=/, '')
              .replace(/(^|,)([A-Za-z]+)=/g, (_, sep, t) => `${sep}${rename[t] ?? t}=`),
          );
        const cert = parseCertificate(readNcaFixture(file));
        expect(formatName(cert.subject), file).toBe(subject);
        expect(formatName(cert.issuer), file).toBe(issuer);
      }
    },
  );
});
