/**
 * The typed API as other TS resources import it: `callback_bridge/api` (package.json `exports`). Resolved through
 * the package's own name, so this checks the export map itself: the emitted declarations (`dist/types`, made by
 * `npm run build`) or, before a build, the source. Checked by `tsc -p tsconfig.json`, never run.
 */
import { expectTypeOf } from 'vitest';
import { CallbackError, createBridge, type CallbackBridge, type CallbackErrorCode, type CallbackQueue, type QueuedCallOptions } from 'callback_bridge/api';

type Server = { 'shop:price': (item: string) => number };

declare const bridge: CallbackBridge<Server>;

expectTypeOf(createBridge<Server>).returns.toEqualTypeOf<CallbackBridge<Server>>();
expectTypeOf(bridge.triggerServer('shop:price', 'bread')).toEqualTypeOf<Promise<number>>();
expectTypeOf(bridge.queue({ concurrency: 2 })).toEqualTypeOf<CallbackQueue<Server>>();
expectTypeOf<QueuedCallOptions['priority']>().toEqualTypeOf<number | undefined>();
expectTypeOf<CallbackError['code']>().toEqualTypeOf<CallbackErrorCode>();
// @ts-expect-error wrong argument type, through the package export too
bridge.triggerServer('shop:price', 42);
