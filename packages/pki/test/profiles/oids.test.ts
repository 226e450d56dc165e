import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import {
  describeOid,
  identificationMethodOfOid,
  identificationMethodOid,
  listOids,
  lookupOid,
  NCA_OIDS,
  roleOfOid,
} from '../../src/profiles/oids.js';

function leaves(o: object): string[] {
  return Object.values(o).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v as object)));
}

describe('NCA_OIDS', () => {
  it('holds only well-formed OIDs that survive a DER round trip', () => {
    const all = leaves(NCA_OIDS);
    expect(all.length).toBeGreaterThan(80);
    for (const oid of all) {
      expect(oid).toMatch(/^[0-2](\.(0|[1-9]\d*))+$/);
      const der = new asn1js.ObjectIdentifier({ value: oid }).toBER(false);
      expect((asn1js.fromBER(der).result as asn1js.ObjectIdentifier).valueBlock.toString()).toBe(oid);
    }
  });

  it('has the values of docs/domain.md (Templates and role OIDs)', () => {
    expect(NCA_OIDS.role).toMatchObject({
      individual: '1.2.398.3.3.4.1.1',
      legalEntity: '1.2.398.3.3.4.1.2',
      firstManager: '1.2.398.3.3.4.1.2.1',
      signer: '1.2.398.3.3.4.1.2.2',
      finance: '1.2.398.3.3.4.1.2.3',
      hr: '1.2.398.3.3.4.1.2.4',
      employee: '1.2.398.3.3.4.1.2.5',
      informationSystem: '1.2.398.3.3.4.1.2.6',
      treasuryClient: '1.2.398.5.19.1.2.2.1',
      ncaOperator: '1.2.398.3.3.4.2.3',
    });
    expect(NCA_OIDS.policy).toMatchObject({
      legalEntitySign: '1.2.398.3.3.2.1',
      legalEntityAuth: '1.2.398.3.3.2.2',
      individualSign: '1.2.398.3.3.2.3',
      individualAuth: '1.2.398.3.3.2.4',
    });
    expect(NCA_OIDS.identification.remoteDigitalId).toBe('1.2.398.3.3.4.3.2.1');
    expect(NCA_OIDS.attribute).toMatchObject({
      givenName: '2.5.4.42',
      serialNumber: '2.5.4.5',
      businessCategory: '2.5.4.15',
      domainComponent: '0.9.2342.19200300.100.1.25',
      userId: '0.9.2342.19200300.100.1.1',
      emailAddress: '1.2.840.113549.1.9.1',
    });
    expect(NCA_OIDS.keyAlgorithm.gost2015_512).toBe('1.2.398.3.10.1.1.2.2');
    expect(NCA_OIDS.signatureAlgorithm.gost2015_512).toBe('1.2.398.3.10.1.1.2.3.2');
    expect(NCA_OIDS.eku.ocspSigning).toBe('1.3.6.1.5.5.7.3.9');
  });
});

describe('registry', () => {
  it('has one entry per OID with names in three languages', () => {
    const entries = listOids();
    expect(new Set(entries.map((e) => e.oid)).size).toBe(entries.length);
    for (const e of entries) {
      for (const lang of ['ru', 'kk', 'en'] as const) expect(e[lang].trim().length).toBeGreaterThan(0);
    }
  });

  it('names every OID of NCA_OIDS', () => {
    for (const oid of leaves(NCA_OIDS)) expect(lookupOid(oid), oid).toBeDefined();
  });

  it('describes OIDs in the requested language, English by default', () => {
    expect(describeOid('1.2.398.3.3.4.1.2.1', 'ru')).toBe('Первый руководитель');
    expect(describeOid('1.2.398.3.3.4.1.2.1', 'kk')).toBe('Бірінші басшы');
    expect(describeOid('1.2.398.3.3.4.1.2.1')).toBe('First manager');
    expect(describeOid('1.2.398.5.19.1.2.2.1', 'ru')).toBe('Участник ИС Казначейство-Клиент');
    expect(describeOid('2.5.4.42', 'ru')).toBe('Отчество');
    expect(describeOid('1.3.6.1.5.5.7.3.2')).toBe('Client authentication');
  });

  it('returns unknown OIDs unchanged', () => {
    expect(describeOid('1.2.3.4.5')).toBe('1.2.3.4.5');
    expect(lookupOid('1.2.3.4.5')).toBeUndefined();
  });

  it('maps role OIDs to template-style roles, information-system sub-arcs included', () => {
    expect(roleOfOid('1.2.398.3.3.4.1.1')).toBe('individual');
    expect(roleOfOid('1.2.398.3.3.4.1.2.4')).toBe('hr');
    expect(roleOfOid('1.2.398.5.19.1.2.2.1')).toBe('treasury');
    expect(roleOfOid('1.2.398.3.3.4.1.2.6')).toBe('information-system');
    expect(roleOfOid('1.2.398.3.3.4.1.2.6.7')).toBe('information-system');
    expect(lookupOid('1.2.398.3.3.4.1.2.6.7')?.oid).toBe('1.2.398.3.3.4.1.2.6.7');
    expect(roleOfOid('1.2.398.3.3.4.1.2.60')).toBeUndefined();
    expect(roleOfOid('1.2.398.3.3.4.2.3')).toBe('nca-operator');
    expect(roleOfOid('1.3.6.1.5.5.7.3.2')).toBeUndefined();
  });

  it('maps identification methods both ways', () => {
    for (const m of ['service-centre', 'remote', 'remote-digital-id'] as const) {
      expect(identificationMethodOfOid(identificationMethodOid(m))).toBe(m);
    }
    expect(() => identificationMethodOid('video' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('filters by group', () => {
    const roles = listOids('role');
    expect(roles.every((e) => e.group === 'role' && e.role !== undefined)).toBe(true);
    expect(roles.map((e) => e.role)).toContain('first-manager');
  });
});
