import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from '../src/sqlite/json-codec.js';

describe('the data column codec', () => {
  it('brings dates and bytes back at any depth, in objects and arrays', () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      nested: { bytes: new Uint8Array([0, 1, 254, 255]), list: [new Date(0), null, 1, 'x'] },
      slice: new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
      gone: undefined,
    };
    const text = encodeJson(value);
    expect(JSON.parse(text)).toEqual({
      at: { $date: '2026-01-02T03:04:05.678Z' },
      nested: { bytes: { $b64: 'AAH+/w==' }, list: [{ $date: '1970-01-01T00:00:00.000Z' }, null, 1, 'x'] },
      slice: { $b64: 'CAc=' },
    });
    const back = decodeJson<typeof value>(text);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.at.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(back.nested.bytes).toBeInstanceOf(Uint8Array);
    expect([...back.nested.bytes]).toEqual([0, 1, 254, 255]);
    expect(back.nested.list[0]).toBeInstanceOf(Date);
    expect([...back.slice]).toEqual([8, 7]);
    expect('gone' in back).toBe(false);
  });

  it('leaves look-alikes alone and keeps a __proto__ key a key', () => {
    const text =
      '{"__proto__":{"$date":"2020-01-01T00:00:00.000Z"},"a":{"$date":{"$b64":"AA=="}},"b":{"$date":"x","y":1},"c":{"$b64":5}}';
    const back = decodeJson<Record<string, unknown>>(text);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back)).toEqual(['__proto__', 'a', 'b', 'c']);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toBeInstanceOf(Date);
    expect((back.a as { $date: unknown }).$date).toBeInstanceOf(Uint8Array);
    expect(back.b).toEqual({ $date: 'x', y: 1 });
    expect(back.c).toEqual({ $b64: 5 });
    expect(encodeJson(back)).toBe(
      '{"__proto__":{"$date":"2020-01-01T00:00:00.000Z"},"a":{"$date":{"$b64":"AA=="}},"b":{"$date":"x","y":1},"c":{"$b64":5}}',
    );
  });
});
