/**
 * Every API family's piece for JS resources on the in-resource TS engine (`JsPiece`, adapters/types.ts), in the order
 * `createBridge` runs them: the JS counterpart of the `callback_bridge_adapter` list `@callback_bridge/import.lua`
 * loads. One line per family that has one.
 */
import type { JsPiece } from './types.ts';
import { oxJsPiece } from './ox/include.ts';

export const jsPieces: readonly JsPiece[] = [oxJsPiece];
