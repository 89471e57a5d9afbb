/**
 * Every case of `npm run bench`, in report order. Steady cases (1–6, and raw-lua, the Lua floor) share the harness's steady load; `burst` and
 * `scale` run their own.
 */
import type { BenchCase } from '../harness/types.ts';
import { esxAlias, qbAlias } from './aliases.ts';
import { bridgeJs } from './bridge-js.ts';
import { bridgeLua } from './bridge-lua.ts';
import { burst } from './burst.ts';
import { oxOnBridge } from './ox-on-bridge.ts';
import { oxPeer } from './ox-peer.ts';
import { raw } from './raw.ts';
import { rawLua } from './raw-lua.ts';
import { scale } from './scale.ts';

export const CASES: BenchCase[] = [
  { kind: 'steady', ...raw },
  { kind: 'steady', ...rawLua },
  { kind: 'steady', ...bridgeJs },
  { kind: 'steady', ...bridgeLua },
  { kind: 'steady', ...oxPeer },
  { kind: 'steady', ...oxOnBridge },
  { kind: 'steady', ...esxAlias },
  { kind: 'steady', ...qbAlias },
  { kind: 'custom', ...burst },
  { kind: 'custom', ...scale },
];
