import { describe, expect, it } from 'vitest';
import vectors from '../../test/vectors/protocol.json';
import { batch, MalformedBatch, readBatch, type Frame } from './frames.ts';

describe('wire protocol (shared vectors, test/vectors/protocol.json)', () => {
  for (const v of vectors.valid) {
    it(`reads: ${v.name}`, () => {
      expect(readBatch(v.batch as unknown[])).toEqual({ from: v.from, frames: v.frames });
    });
    it(`writes back: ${v.name}`, () => {
      expect(batch(v.from, v.frames as Frame[])).toEqual(v.batch);
    });
  }
  for (const v of vectors.malformed) {
    it(`refuses: ${v.name}`, () => {
      expect(() => readBatch(v.batch as unknown as unknown[])).toThrow(MalformedBatch);
    });
  }
});
