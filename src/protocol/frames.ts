/**
 * callback_bridge's own wire protocol, written down as types (the Lua twin in `lua/` speaks exactly this).
 *
 * One net event carries every frame one resource sends one other resource in one tick:
 *   `cbb:q:<resource>`  requests addressed to <resource> on the other side
 *   `cbb:r:<resource>`  replies addressed to <resource> on the other side
 * Its arguments are flat, with explicit counts, so user values sit at the top level of the payload (no extra msgpack
 * nesting, ref §2.2's 16-level limit stays theirs) and nils keep their place (ref §2.2: pack_args keeps nils):
 *
 *   VERSION, FROM, kind, id, ..., kind, id, ..., END
 *
 * FROM is the sending resource: replies go to `cbb:r:<FROM>`. It comes from the sender, so it only ever chooses
 * which of the sender's own resources hears a reply.
 *
 *   REQUEST  1, id, name, argc, arg1 … argN
 *   REPLY    2, id, argc, value1 … valueN
 *   ERROR    3, id, code, message
 *
 * The batch always ends with the non-nil END marker, so a Lua receiver's `#` sees every argument.
 */
import { isCallbackErrorCode, type CallbackErrorCode } from '../core/errors.ts';

export const PROTOCOL_VERSION = 1;
export const FrameKind = { REQUEST: 1, REPLY: 2, ERROR: 3 } as const;
export const END = 0;

export const requestEvent = (resource: string) => `cbb:q:${resource}`;
export const replyEvent = (resource: string) => `cbb:r:${resource}`;

export interface RequestFrame {
  kind: typeof FrameKind.REQUEST;
  id: number;
  name: string;
  args: unknown[];
}
export interface ReplyFrame {
  kind: typeof FrameKind.REPLY;
  id: number;
  values: unknown[];
}
export interface ErrorFrame {
  kind: typeof FrameKind.ERROR;
  id: number;
  code: CallbackErrorCode;
  message: string;
}
export type Frame = RequestFrame | ReplyFrame | ErrorFrame;

/** Appends one frame to a flat batch under construction (no intermediate arrays on the hot path). */
export function writeFrame(out: unknown[], frame: Frame): void {
  switch (frame.kind) {
    case FrameKind.REQUEST:
      out.push(FrameKind.REQUEST, frame.id, frame.name, frame.args.length, ...frame.args);
      break;
    case FrameKind.REPLY:
      out.push(FrameKind.REPLY, frame.id, frame.values.length, ...frame.values);
      break;
    case FrameKind.ERROR:
      out.push(FrameKind.ERROR, frame.id, frame.code, frame.message);
      break;
  }
}

/** A finished batch from resource `from`: the arguments of one net event. */
export function batch(from: string, frames: Frame[]): unknown[] {
  const out: unknown[] = [PROTOCOL_VERSION, from];
  for (const f of frames) writeFrame(out, f);
  out.push(END);
  return out;
}

/** Why a batch was refused: it came from a client, so anything may arrive (issue: fuzzing). */
export class MalformedBatch extends Error {
  override readonly name = 'MalformedBatch';
}

/** Most values one frame carries; the reader refuses more (an argc is one msgpack byte, and a bound for cheaters). */
export const MAX_ARGS = 255;

export interface Batch {
  from: string;
  frames: Frame[];
}

/** Resource names as FiveM allows them: what FROM may be. */
const RESOURCE_NAME = /^[\w.\-:@\[\]]{1,64}$/;

/**
 * Checks a batch received as event arguments and returns its sender. Strict: a wrong version, a bad sender name, a bad
 * kind, a count past the end, a non-integer id or a name that is not a string rejects the whole batch (it came from a
 * cheater or a bug). Nothing is made: the frames are then read in place with `frameSize` (the engine's hot path).
 */
export function checkBatch(args: ArrayLike<unknown>): string {
  if (args[0] !== PROTOCOL_VERSION) throw new MalformedBatch('unknown protocol version');
  const from = args[1];
  if (typeof from !== 'string' || !RESOURCE_NAME.test(from)) throw new MalformedBatch('bad sender');
  let i = 2;
  const n = args.length;
  while (i < n) {
    const kind = args[i];
    if (kind === END) return from;
    const id = args[i + 1];
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new MalformedBatch('bad id');
    if (kind === FrameKind.REQUEST) {
      const argc = args[i + 3];
      if (typeof args[i + 2] !== 'string' || !isCount(argc) || i + 4 + argc > n) throw new MalformedBatch('bad request');
    } else if (kind === FrameKind.REPLY) {
      const argc = args[i + 2];
      if (!isCount(argc) || i + 3 + argc > n) throw new MalformedBatch('bad reply');
    } else if (kind === FrameKind.ERROR) {
      if (!isCallbackErrorCode(args[i + 2]) || typeof args[i + 3] !== 'string') throw new MalformedBatch('bad error');
    } else {
      throw new MalformedBatch('bad frame kind');
    }
    i += frameSize(args, i);
  }
  throw new MalformedBatch('missing end marker');
}

/** How many arguments the frame at `i` of a checked batch takes (its kind, id, and the rest). */
export function frameSize(args: ArrayLike<unknown>, i: number): number {
  const kind = args[i];
  if (kind === FrameKind.REQUEST) return 4 + (args[i + 3] as number);
  if (kind === FrameKind.REPLY) return 3 + (args[i + 2] as number);
  return 4;
}

/** Reads a batch received as event arguments into frames (tools and tests; the engine reads in place). */
export function readBatch(args: ArrayLike<unknown>): Batch {
  const from = checkBatch(args);
  const frames: Frame[] = [];
  for (let i = 2; args[i] !== END; i += frameSize(args, i)) frames.push(frameAt(args, i));
  return { from, frames };
}

/** The frame at `i` of a checked batch, as an object (its lists copied out of the arguments). */
export function frameAt(args: ArrayLike<unknown>, i: number): Frame {
  const kind = args[i] as Frame['kind'];
  const id = args[i + 1] as number;
  if (kind === FrameKind.REQUEST) {
    return { kind, id, name: args[i + 2] as string, args: Array.prototype.slice.call(args, i + 4, i + 4 + (args[i + 3] as number)) };
  }
  if (kind === FrameKind.REPLY) return { kind, id, values: Array.prototype.slice.call(args, i + 3, i + 3 + (args[i + 2] as number)) };
  return { kind, id, code: args[i + 2] as CallbackErrorCode, message: args[i + 3] as string };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_ARGS;
}
