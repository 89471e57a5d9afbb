/** ESX's wire shapes (adapters/esx/protocol.ts, ref §2.2): telling the two dialects apart and answering in each. */
import { describe, expect, it } from 'vitest';
import { readReply, readRequest, replyArgs, requestArgs } from '../../../adapters/esx/protocol.ts';

const known = (r: string) => ['shop', 'my-res.v2'].includes(r);

describe('ESX wire protocol', () => {
  it('reads the 1.9+ dialect when the third argument names a known resource, or es_extended', () => {
    expect(readRequest(['cb', 3, 'shop', 'a', null, 1], known)).toEqual({ name: 'cb', requestId: 3, dialect: 'invoker', invoker: 'shop', args: ['a', null, 1] });
    expect(readRequest(['cb', 0, 'es_extended'], known)).toMatchObject({ dialect: 'invoker', invoker: 'es_extended', args: [] });
    expect(readRequest(['cb', 0, 'my-res.v2', 5], known)).toMatchObject({ dialect: 'invoker', args: [5] });
  });

  it('reads the pre-1.9 dialect otherwise: any other third argument is the first callback argument', () => {
    expect(readRequest(['cb', 7, 'bread', 2], known)).toEqual({ name: 'cb', requestId: 7, dialect: 'legacy', args: ['bread', 2] });
    expect(readRequest(['cb', 7, 42], known)).toMatchObject({ dialect: 'legacy', args: [42] });
    expect(readRequest(['cb', 7], known)).toMatchObject({ dialect: 'legacy', args: [] });
    expect(readRequest(['cb', 7, 'has space'], () => true)).toMatchObject({ dialect: 'legacy' });
    expect(readRequest(['cb', 7, { t: 1 }], known)).toMatchObject({ dialect: 'legacy', args: [{ t: 1 }] });
  });

  it('refuses what is not a request: no name, no numeric id', () => {
    expect(readRequest([], known)).toBeNull();
    expect(readRequest(['', 1], known)).toBeNull();
    expect(readRequest(['cb', '1'], known)).toBeNull();
    expect(readRequest([5, 1], known)).toBeNull();
    expect(readRequest(['cb', Number.NaN], known)).toBeNull();
  });

  it('replies in the dialect of the request, id echoed unchanged', () => {
    const newer = readRequest(['cb', 65535, 'shop'], known)!;
    const older = readRequest(['cb', 1.5, 'x'], known)!;
    expect(replyArgs(newer, [1, null, 3])).toEqual([65535, 'shop', 1, null, 3]);
    expect(replyArgs(older, [])).toEqual([1.5]);
  });

  it('sends requests in the 1.9+ dialect and reads their replies without the echoed invoker', () => {
    expect(requestArgs('hud', 9, 'boss', ['a', null])).toEqual(['hud', 9, 'boss', 'a', null]);
    expect(readReply([9, 'boss', 'x', null, 2])).toEqual({ requestId: 9, values: ['x', null, 2] });
    expect(readReply(['9', 'boss'])).toBeNull();
  });
});
