/**
 * What a cheating client can put in a net event, as fast-check arbitraries: wrong types, nils, huge strings, deep
 * and cyclic-looking (shared) tables, funcref-shaped values, ids of other players' requests, names of callbacks that
 * do not exist, and batches of our own protocol with every field mutated. `inject` delivers an argument list to a
 * machine as raw msgpack, exactly as the network would (an executor's `TriggerServerEvent`, FiveM's limiters aside).
 */
import fc from 'fast-check';
import type { Emulator, Player } from '../emulator/emulator.ts';
import { createJsCodec } from '../emulator/msgpack/js-codec.ts';
import { CLIENT_EVENT_CAP } from '../emulator/net/network.ts';

/** A funcref-shaped value: packed as ext 10 with `ref` (any string a cheater likes). */
export interface ForgedRef {
  (): void;
  ref: string;
}
const forgedRef = (ref: string): ForgedRef => Object.assign(() => undefined, { ref });

/** Packs what a cheater sends; functions become ext 10 with their forged ref string. */
export const rawCodec = createJsCodec({
  packFunction: (fn) => String((fn as Partial<ForgedRef>).ref ?? 'nobody:0:0'),
  unpackFuncRef: (ref) => ({ ref }),
});

/** Inputs dropped because no client could send them (over FiveM's 384 KiB cap on one reliable event). */
export const overCap = { count: 0 };

/**
 * Delivers `args` as net event `event` from `player` to the server (or, with `to`, from the server to a client).
 * A payload over the client's reliable cap never leaves a real client: it is counted and dropped here.
 */
export function inject(emu: Emulator, event: string, args: unknown[], from: Player | null, to?: Player): boolean {
  const payload = rawCodec.pack(args);
  if (payload.length > CLIENT_EVENT_CAP) {
    overCap.count++;
    return false;
  }
  if (to) to.machine.queueNetEvent(event, payload, 'net:65535');
  else emu.server.queueNetEvent(event, payload, `net:${from!.netId}`);
  return true;
}

/** Placeholders resolved at injection time (the live state they point at does not exist when values are drawn). */
export const PENDING_ID = Symbol('an id another player is waiting on');
export const KNOWN_NAME = Symbol('a registered callback name');

export interface Live {
  /** Ids of requests the server waits on (sent to other players). */
  pendingIds(): number[];
  /** Callback names registered somewhere. */
  names(): string[];
}

/** Replaces the placeholders in a drawn argument list with live values (`pick` chooses among them). */
export function resolve(args: unknown[], live: Live, pick: number): unknown[] {
  const one = (list: unknown[], fallback: unknown) => (list.length ? list[pick % list.length] : fallback);
  return args.map((a) => (a === PENDING_ID ? one(live.pendingIds(), 1) : a === KNOWN_NAME ? one(live.names(), 'none') : a));
}

const HUGE = ['x'.repeat(70_000), '€'.repeat(24_000), '\u{1F600}'.repeat(9_000)];
const TRICKY_STRINGS = [
  '', ' ', '__proto__', 'constructor', 'toString', '__index', 'n', '%s%d%%', '\0', 'cbb:q:callback_bridge', 'callback_bridge',
  'NOT_FOUND', 'TIMEOUT', 'cb_invalid', 'es_extended', 'qb-core', 'ox_lib', '\uD800', 'a'.repeat(300), 'nope:does-not-exist',
];
const REFS = ['callback_bridge:1:1', 'callback_bridge:0:0', 'nobody:7:7', 'x', '', 'fz_js:1:2', 'fz_lua:1:1'];

/** One scalar a cheater may send. */
export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0, 1, -1, 2, 3, 255, 256, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, NaN, Infinity, -Infinity),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 24 }),
  fc.constantFrom(...TRICKY_STRINGS),
  fc.constantFrom(...HUGE),
  fc.constantFrom(...REFS).map(forgedRef),
  fc.uint8Array({ maxLength: 32 }),
  fc.constantFrom<unknown>(PENDING_ID, KNOWN_NAME),
);

/** Nests `value` `depth` levels deep (past msgpack-lite's and lua-cmsgpack's nesting limits when deep enough). */
export const nested = (depth: number, value: unknown): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = i % 2 ? { k: v } : [v];
  return v;
};

/** Any value: scalars, small trees, shared (cyclic-looking) subtrees, and very deep nests. */
export const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.array(tie('tree'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '1', '0', 'n')), tie('tree'), { maxKeys: 4 }),
    tie('tree').map((t) => ({ a: t, b: t, c: [t, t] })),
  ),
  leaf: scalar,
})).tree;

const deep = fc.tuple(fc.constantFrom(15, 16, 17, 20, 31, 32, 33, 40), fc.oneof(scalar, fc.constantFrom(...HUGE))).map(([d, v]) => nested(d, v));

/** A hostile argument list of any shape. */
export const argList: fc.Arbitrary<unknown[]> = fc.array(fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: deep }), { maxLength: 8 });

/** A count as it appears in a frame: right, off by one, too big, negative, fractional, not a number. */
const count = (right: number) => fc.constantFrom<unknown>(right, right, right, right + 1, right - 1, 255, 256, -1, 0.5, '1', null);

/** One frame of our protocol (flattened), with each field sometimes wrong. */
const frame: fc.Arbitrary<unknown[]> = fc
  .tuple(
    fc.constantFrom<unknown>(1, 1, 2, 2, 3, 0, 4, '1', null),
    fc.oneof(fc.constantFrom<unknown>(PENDING_ID, PENDING_ID, 1, 0, -5, 2 ** 53, 2 ** 60, 1.5, NaN, 'id', null)),
    fc.oneof(fc.constantFrom<unknown>(KNOWN_NAME, KNOWN_NAME, 'nope:missing', '', 'TIMEOUT', 'BOGUS'), scalar),
    fc.array(fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: deep }), { maxLength: 4 }),
    fc.constantFrom<unknown>('TIMEOUT', 'NOT_FOUND', 'HANDLER_ERROR', 'nope', 7, null),
  )
  .chain(([kind, id, name, args, code]) =>
    count(args.length).map((argc) => {
      if (kind === 1) return [kind, id, name, argc, ...args];
      if (kind === 2) return [kind, id, argc, ...args];
      if (kind === 3) return [kind, id, code, ...args.slice(0, 1)];
      return [kind, id, ...args];
    }),
  );

/** A batch of our protocol: `VERSION, FROM, frames..., END`, with the header and the end sometimes wrong. */
export const batch: fc.Arbitrary<unknown[]> = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>(1) }, fc.constantFrom<unknown>(2, 0, '1', null)),
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>('fz_js', 'fz_lua', 'cheat') }, fc.constantFrom<unknown>('', 'bad name!', 'x'.repeat(65), 42)),
    fc.array(frame, { maxLength: 6 }),
    fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>(0) }, fc.constantFrom<unknown>(undefined, 5, 'END')),
  )
  .map(([version, from, frames, end]) => {
    const out = [version, from, ...frames.flat()];
    if (end !== undefined) out.push(end);
    return out;
  });

/** Many frames of one valid shape in one batch: what a flood looks like. */
export function floodBatch(from: string, first: number, n: number, name: string, args: unknown[] = []): unknown[] {
  const out: unknown[] = [1, from];
  for (let i = 0; i < n; i++) out.push(1, first + i, name, args.length, ...args);
  out.push(0);
  return out;
}
