/** The simulated Digital ID inputs and the PIN rule they must satisfy (the CA's). */
import { describe, expect, it } from 'vitest';
import { isSimplePin, randomPin, simulatedIdentification } from '../src/index.js';

describe('PINs', () => {
  it.each([
    ['1111', true],
    ['000000', true],
    ['1234', true],
    ['98765432', true],
    ['0123', true],
    ['1235', false],
    ['1212', false],
    ['4831', false],
    ['2468', false],
    ['9010', false],
  ])('isSimplePin(%s) = %s', (pin, simple) => {
    expect(isSimplePin(pin)).toBe(simple);
  });

  it('randomPin gives 6 digits that are never simple, and differ', () => {
    const pins = Array.from({ length: 500 }, () => randomPin());
    for (const pin of pins) {
      expect(pin).toMatch(/^\d{6}$/);
      expect(isSimplePin(pin)).toBe(false);
    }
    expect(new Set(pins).size).toBeGreaterThan(450);
  });
});

describe('simulatedIdentification', () => {
  it('passes liveness, carries non-empty images and the chosen document', () => {
    const id = simulatedIdentification({ document: 'passport', pin: '4831' });
    expect(id.liveness.passed).toBe(true);
    expect(id.pin).toBe('4831');
    expect(id.document.type).toBe('passport');
    expect(id.selfie.length).toBeGreaterThan(4);
    expect([...id.selfie.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(simulatedIdentification().document.type).toBe('id-card');
  });
});
