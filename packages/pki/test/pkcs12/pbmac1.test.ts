import { createHmac, pbkdf2Sync } from 'node:crypto';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex } from '../../src/der/encoding.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';

/**
 * RFC 9579 Appendix A.1: "Valid PKCS #12 File with SHA-256 HMAC and PRF" (password "1234").
 * A.4-A.6 of the RFC are this file with its MacData changed; they are rebuilt below by the same
 * edits rather than stored.
 */
const RFC9579_A1 = [
  'MIIKigIBAzCCCgUGCSqGSIb3DQEHAaCCCfYEggnyMIIJ7jCCBGIGCSqGSIb3DQEH',
  'BqCCBFMwggRPAgEAMIIESAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqG',
  'SIb3DQEFDDAcBAg9pxXxY2yscwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQME',
  'ASoEEK7yYaFQDi1pYwWzm9F/fs+AggPgFIT2XapyaFgDppdvLkdvaF3HXw+zjzKb',
  '7xFC76DtVPhVTWVHD+kIss+jsj+XyvMwY0aCuAhAG/Dig+vzWomnsqB5ssw5/kTb',
  '+TMQ5PXLkNeoBmB6ArKeGc/QmCBQvQG/a6b+nXSWmxNpP+71772dmWmB8gcSJ0kF',
  'Fj75NrIbmNiDMCb71Q8gOzBMFf6BpXf/3xWAJtxyic+tSNETfOJa8zTZb0+lV0w9',
  '5eUmDrPUpuxEVbb0KJtIc63gRkcfrPtDd6Ii4Zzbzj2Evr4/S4hnrQBsiryVzJWy',
  'IEjaD0y6+DmG0JwMgRuGi1wBoGowi37GMrDCOyOZWC4n5wHLtYyhR6JaElxbrhxP',
  'H46z2USLKmZoF+YgEQgYcSBXMgP0t36+XQocFWYi2N5niy02TnctwF430FYsQlhJ',
  'Suma4I33E808dJuMv8T/soF66HsD4Zj46hOf4nWmas7IaoSAbGKXgIa7KhGRJvij',
  'xM3WOX0aqNi/8bhnxSA7fCmIy/7opyx5UYJFWGBSmHP1pBHBVmx7Ad8SAsB9MSsh',
  'nbGjGiUk4h0QcOi29/M9WwFlo4urePyI8PK2qtVAmpD3rTLlsmgzguZ69L0Q/CFU',
  'fbtqsMF0bgEuh8cfivd1DYFABEt1gypuwCUtCqQ7AXK2nQqOjsQCxVz9i9K8NDeD',
  'aau98VAl0To2sk3/VR/QUq0PRwU1jPN5BzUevhE7SOy/ImuJKwpGqqFljYdrQmj5',
  'jDe+LmYH9QGVRlfN8zuU+48FY8CAoeBeHn5AAPml0PYPVUnt3/jQN1+v+CahNVI+',
  'La8q1Nen+j1R44aa2I3y/pUgtzXRwK+tPrxTQbG030EU51LYJn8amPWmn3w75ZIA',
  'MJrXWeKj44de7u4zdUsEBVC2uM44rIHM8MFjyYAwYsey0rcp0emsaxzar+7ZA67r',
  'lDoXvvS3NqsnTXHcn3T9tkPRoee6L7Dh3x4Od96lcRwgdYT5BwyH7e34ld4VTUmJ',
  'bDEq7Ijvn4JKrwQJh1RCC+Z/ObfkC42xAm7G010u3g08xB0Qujpdg4a7VcuWrywF',
  'c7hLNquuaF4qoDaVwYXHH3iuX6YlJ/3siTKbYCVXPEZOAMBP9lF/OU76UMJBQNfU',
  '0xjDx+3AhUVgnGuCsmYlK6ETDp8qOZKGyV0KrNSGtqLx3uMhd7PETeW+ML3tDQ/0',
  'X9fMkcZHi4C2fXnoHV/qa2dGhBj4jjQ0Xh1poU6mxGn2Mebe2hDsBZkkBpnn7pK4',
  'wP/VqXdQTwqEuvzGHLVFsCuADe40ZFBmtBrf70wG7ZkO8SUZ8Zz1IX3+S024g7yj',
  'QRev/6x6TtkwggWEBgkqhkiG9w0BBwGgggV1BIIFcTCCBW0wggVpBgsqhkiG9w0B',
  'DAoBAqCCBTEwggUtMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhTxzw+',
  'VptrYAICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEK9nSqc1I2t4tMVG',
  'bWHpdtQEggTQzCwI7j34gCTvfj6nuOSndAjShGv7mN2j7WMV0pslTpq2b9Bn3vn1',
  'Y0JMvL4E7sLrUzNU02pdOcfCnEpMFccNv2sQrLp1mOCKxu8OjSqHZLoKVL0ROVsZ',
  '8dMECLLigDlPKRiSyLErl14tErX4/zbkUaWMROO28kFbTbubQ8YoHlRUwsKW1xLg',
  'vfi0gRkG/zHXRfQHjX/8NStv7hXlehn7/Gy2EKPsRFhadm/iUHAfmCMkMgHTU248',
  'JER9+nsXltd59H+IeDpj/kbxZ+YvHow9XUZKu828d3MQnUpLZ1BfJGhMBPVwbVUD',
  'A40CiQBVdCoGtPJyalL28xoS3H0ILFCnwQOr6u0HwleNJPGHq78HUyH6Hwxnh0b0',
  '5o163r6wTFZn5cMOxpbs/Ttd+3TrxmrYpd2XnuRme3cnaYJ0ILvpc/8eLLR7SKjD',
  'T4JhZ0h/CfcV2WWvhpQugkY0pWrZ+EIMneB1dZB96mJVLxOi148OeSgi0PsxZMNi',
  'YM33rTpwQT5WqOsEyDwUQpne5b8Kkt/s7EN0LJNnPyJJRL1LcqOdr6j+6YqRtPa7',
  'a9oWJqMcuTP+bqzGRJh+3HDlFBw2Yzp9iadv4KmB2MzhStLUoi2MSjvnnkkd5Led',
  'sshAd6WbKfF7kLAHQHT4Ai6dMEO4EKkEVF9JBtxCR4JEn6C98Lpg+Lk+rfY7gHOf',
  'ZxtgGURwgXRY3aLUrdT55ZKgk3ExVKPzi5EhdpAau7JKhpOwyKozAp/OKWMNrz6h',
  'obu2Mbn1B+IA60psYHHxynBgsJHv7WQmbYh8HyGfHgVvaA8pZCYqxxjpLjSJrR8B',
  'Bu9H9xkTh7KlhxgreXYv19uAYbUd95kcox9izad6VPnovgFSb+Omdy6PJACPj6hF',
  'W6PJbucP0YPpO0VtWtQdZZ3df1P0hZ7qvKwOPFA+gKZSckgqASfygiP9V3Zc8jIi',
  'wjNzoDM2QT+UUJKiiGYXJUEOO9hxzFHlGj759DcNRhpgl5AgR57ofISD9yBuCAJY',
  'PQ/aZHPFuRTrcVG3RaIbCAS73nEznKyFaLOXfzyfyaSmyhsH253tnyL1MejC+2bR',
  'Eko/yldgFUxvU5JI+Q3KJ6Awj+PnduHXx71E4UwSuu2xXYMpxnQwI6rroQpZBX82',
  'HhqgcLV83P8lpzQwPdHjH5zkoxmWdC0+jU/tcQfNXYpJdyoaX7tDmVclLhwl9ps/',
  'O841pIsNLJWXwvxG6B+3LN/kw4QjwN194PopiOD7+oDm5mhttO78CrBrRxHMD/0Q',
  'qniZjKzSZepxlZq+J792u8vtMnuzzChxu0Bf3PhIXcJNcVhwUtr0yKe/N+NvC0tm',
  'p8wyik/BlndxN9eKbdTOi2wIi64h2QG8nOk66wQ/PSIJYwZl6eDNEQSzH/1mGCfU',
  'QnUT17UC/p+Qgenf6Auap2GWlvsJrB7u/pytz65rtjt/ouo6Ih6EwWqwVVpGXZD0',
  '7gVWH0Ke/Vr6aPGNvkLcmftPuDZsn9jiig3guhdeyRVf10Ox369kKWcG75q77hxE',
  'IzSzDyUlBNbnom9SIjut3r+qVYmWONatC6q/4D0I42Lnjd3dEyZx7jmH3g/S2ASM',
  'FzWr9pvXc61dsYOkdZ4PYa9XPUZxXFagZsoS3F1sU799+IJVU0tC0MExJTAjBgkq',
  'hkiG9w0BCRUxFgQUwWO5DorvVWYF3BWUmAw0rUEajScwfDBtMEkGCSqGSIb3DQEF',
  'DjA8MCwGCSqGSIb3DQEFDDAfBAhvRzw4sC4xcwICCAACASAwDAYIKoZIhvcNAgkF',
  'ADAMBggqhkiG9w0CCQUABCB6pW2FOdcCNj87zS64NUXG36K5aXDnFHctIk5Bf4kG',
  '3QQITk9UIFVTRUQCAQE=',
].join('');
const PASSWORD = '1234';

const bytes = () => fromBase64(RFC9579_A1);

/** Replaces the single occurrence of `from` (hex) with `to` (same length). */
function patch(data: Uint8Array, from: string, to: string): Uint8Array {
  const hex = toHex(data);
  const at = hex.indexOf(from);
  expect(at).toBeGreaterThan(0);
  expect(hex.indexOf(from, at + 1)).toBe(-1);
  return fromHex(hex.slice(0, at) + to + hex.slice(at + from.length));
}

// PBKDF2-params of the MAC: salt 6f473c38b02e3173, 2048 iterations, keyLength 32, hmacWithSHA256.
const MAC_SALT = '6f473c38b02e3173';
const NOT_USED = toHex(new TextEncoder().encode('NOT USED'));

describe('PBMAC1 (RFC 9579) MacData', () => {
  it('A.1: opens the RFC file and verifies its HMAC-SHA256 / PBKDF2-HMAC-SHA256 MAC', async () => {
    const p12 = await openPkcs12(bytes(), PASSWORD);
    expect(p12.privateKey?.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5' });
    expect(p12.localKeyId).toBe('c163b90e8aef556605dc1594980c34ad411a8d27');
    await expect(openPkcs12(bytes(), '12345')).rejects.toMatchObject({ code: 'ERR_PKCS12_BAD_PASSWORD' });
  });

  it('A.4: an incorrect PBKDF2 iteration count (2049) fails the MAC', async () => {
    const a4 = patch(bytes(), `0408${MAC_SALT}020208000201`, `0408${MAC_SALT}020208010201`);
    await expect(openPkcs12(a4, PASSWORD)).rejects.toMatchObject({ code: 'ERR_PKCS12_BAD_PASSWORD' });
  });

  it('A.5: the salt taken from MacData.macSalt instead of the PBKDF2 parameters fails the MAC', async () => {
    // The RFC's A.5 swaps the two 8-byte values: PBKDF2 salt "NOT USED", macSalt the real salt.
    let a5 = patch(bytes(), `0408${MAC_SALT}0202`, `0408${NOT_USED}0202`);
    a5 = patch(a5, `0408${NOT_USED}020101`, `0408${MAC_SALT}020101`);
    await expect(openPkcs12(a5, PASSWORD)).rejects.toMatchObject({ code: 'ERR_PKCS12_BAD_PASSWORD' });
  });

  it('A.6: PBKDF2 parameters without the required keyLength are malformed', async () => {
    const pfx = asn1js.fromBER(bytes()).result as asn1js.Sequence;
    const macData = pfx.valueBlock.value[2] as asn1js.Sequence;
    const digestInfo = macData.valueBlock.value[0] as asn1js.Sequence;
    const alg = digestInfo.valueBlock.value[0] as asn1js.Sequence;
    const pbmac1 = alg.valueBlock.value[1] as asn1js.Sequence;
    const kdf = pbmac1.valueBlock.value[0] as asn1js.Sequence;
    const params = kdf.valueBlock.value[1] as asn1js.Sequence;
    params.valueBlock.value.splice(2, 1); // drop keyLength
    const a6 = new Uint8Array(pfx.toBER(false));
    await expect(openPkcs12(a6, PASSWORD)).rejects.toMatchObject({ code: 'ERR_PKCS12_INVALID' });
  });

  it('HMAC-SHA512 with PBKDF2-HMAC-SHA512, MAC recomputed with node:crypto, verifies', async () => {
    const pfx = asn1js.fromBER(bytes()).result as asn1js.Sequence;
    const authSafe = pfx.valueBlock.value[1] as asn1js.Sequence;
    const content = (authSafe.valueBlock.value[1] as asn1js.Constructed).valueBlock
      .value[0] as asn1js.OctetString;
    const salt = fromHex('00112233445566778899aabbccddeeff');
    const key = pbkdf2Sync(PASSWORD, salt, 1000, 64, 'sha512');
    const mac = createHmac('sha512', key).update(content.valueBlock.valueHexView).digest();
    const hmac512 = () =>
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.2.11' }), new asn1js.Null()],
      });
    const macData = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({
          value: [
            new asn1js.Sequence({
              value: [
                new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.5.14' }),
                new asn1js.Sequence({
                  value: [
                    new asn1js.Sequence({
                      value: [
                        new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.5.12' }),
                        new asn1js.Sequence({
                          value: [
                            new asn1js.OctetString({ valueHex: salt }),
                            new asn1js.Integer({ value: 1000 }),
                            new asn1js.Integer({ value: 64 }),
                            hmac512(),
                          ],
                        }),
                      ],
                    }),
                    hmac512(),
                  ],
                }),
              ],
            }),
            new asn1js.OctetString({ valueHex: new Uint8Array(mac) }),
          ],
        }),
        new asn1js.OctetString({ valueHex: new TextEncoder().encode('NOT USED') }),
        new asn1js.Integer({ value: 1 }),
      ],
    });
    pfx.valueBlock.value[2] = macData;
    const rebuilt = new Uint8Array(pfx.toBER(false));
    const p12 = await openPkcs12(rebuilt, PASSWORD);
    expect(p12.localKeyId).toBe('c163b90e8aef556605dc1594980c34ad411a8d27');
    await expect(openPkcs12(rebuilt, '4321')).rejects.toMatchObject({ code: 'ERR_PKCS12_BAD_PASSWORD' });
  });
});
