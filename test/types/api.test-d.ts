/**
 * Type tests of the typed API (src/api/bridge.ts). Never run: `tsc -p tsconfig.json` (part of `npm run typecheck`)
 * checks them. `expectTypeOf` fails the build on a wrong type; `// @ts-expect-error` fails it when the line below
 * stops being an error, so both directions are held: what must compile and what must not.
 */
import { expectTypeOf } from 'vitest';
import { CallbackError, type CallbackBridge, type CallbackErrorCode, type CallbackQueue } from '../../src/api/bridge.ts';

/** Server callbacks, as the client calls them. */
type Server = {
  'shop:price': (item: string) => number;
  'shop:buy': (item: string, count: number) => Promise<{ ok: boolean }>;
  'shop:list': () => string[];
};
/** Client callbacks, as the server calls them. */
type Client = {
  'ui:confirm': (question: string) => boolean;
};

declare const bridge: CallbackBridge<Server, Client>;

// ---- triggerServer / triggerClient: names, arguments, replies ----

expectTypeOf(bridge.triggerServer('shop:price', 'bread')).toEqualTypeOf<Promise<number>>();
expectTypeOf(bridge.triggerServer('shop:buy', 'bread', 2)).toEqualTypeOf<Promise<{ ok: boolean }>>(); // not Promise<Promise<...>>
expectTypeOf(bridge.triggerServer('shop:list')).toEqualTypeOf<Promise<string[]>>();
expectTypeOf(bridge.triggerClient(7, 'ui:confirm', 'Buy bread?')).toEqualTypeOf<Promise<boolean>>();

// @ts-expect-error wrong argument type
bridge.triggerServer('shop:price', 42);
// @ts-expect-error missing argument
bridge.triggerServer('shop:price');
// @ts-expect-error one argument too many
bridge.triggerServer('shop:price', 'bread', 1);
// @ts-expect-error unknown name
bridge.triggerServer('shop:nope', 'bread');
// @ts-expect-error a client callback is not a server callback
bridge.triggerServer('ui:confirm', 'sure?');
// @ts-expect-error the player id is a number
bridge.triggerClient('7', 'ui:confirm', 'Buy bread?');
// @ts-expect-error a server callback is not a client callback
bridge.triggerClient(7, 'shop:price', 'bread');

// The values forms are untyped on purpose (Lua handlers may send any number of values).
expectTypeOf(bridge.triggerServerValues('shop:price', 'bread')).toEqualTypeOf<Promise<unknown[]>>();

// ---- register: server handlers get source first, client handlers do not ----

bridge.register('shop:price', (source, item) => {
  expectTypeOf(source).toEqualTypeOf<number>();
  expectTypeOf(item).toEqualTypeOf<string>();
  return 12;
});
bridge.register('shop:buy', async (_source, _item, count) => ({ ok: count > 0 })); // may be async
bridge.register('shop:price', async () => 12); // a Promise of the reply is fine too
// @ts-expect-error the reply must be a number
bridge.register('shop:price', () => 'twelve');
// @ts-expect-error unknown name
bridge.register('shop:nope', () => 1);
// @ts-expect-error the second parameter is the item (a string), source comes first
bridge.register('shop:price', (_source: number, item: number) => item);

bridge.registerClient('ui:confirm', (question) => {
  expectTypeOf(question).toEqualTypeOf<string>();
  return true;
});
// @ts-expect-error a client handler gets no source: its first parameter is the question
bridge.registerClient('ui:confirm', (source: number) => source > 0);

// ---- withOptions: a new bridge with the same types ----

expectTypeOf(bridge.withOptions({ timeout: 2000 })).toEqualTypeOf<CallbackBridge<Server, Client>>();
expectTypeOf(bridge.withOptions({ timeout: 2000, retries: 2, backoff: 100 }).triggerServer('shop:price', 'bread')).toEqualTypeOf<Promise<number>>();
// @ts-expect-error types survive withOptions
bridge.withOptions({ timeout: 2000 }).triggerServer('shop:price', 42);
// @ts-expect-error misspelt option
bridge.withOptions({ timeot: 2000 });
// @ts-expect-error priority belongs to queued calls
bridge.withOptions({ priority: 1 });

// ---- queue: the same triggers, plus priority, size, running, clear ----

const queue = bridge.queue({ concurrency: 2, maxQueued: 100 });
expectTypeOf(queue).toEqualTypeOf<CallbackQueue<Server, Client>>();
expectTypeOf(bridge.withOptions({ timeout: 500 }).queue()).toEqualTypeOf<CallbackQueue<Server, Client>>();
expectTypeOf(queue.triggerServer('shop:price', 'bread')).toEqualTypeOf<Promise<number>>();
expectTypeOf(queue.withOptions({ priority: 5, timeout: 2000 })).toEqualTypeOf<CallbackQueue<Server, Client>>();
expectTypeOf(queue.withOptions({ priority: 5 }).triggerServer('shop:buy', 'bread', 2)).toEqualTypeOf<Promise<{ ok: boolean }>>();
expectTypeOf(queue.triggerClient(7, 'ui:confirm', 'Buy bread?')).toEqualTypeOf<Promise<boolean>>();
expectTypeOf(queue.size).toEqualTypeOf<number>();
expectTypeOf(queue.running).toEqualTypeOf<number>();
expectTypeOf(queue.clear()).toEqualTypeOf<number>();
// @ts-expect-error types survive the queue
queue.triggerServer('shop:price', 42);
// @ts-expect-error and its withOptions
queue.withOptions({ priority: 1 }).triggerServer('shop:nope');
// @ts-expect-error priority is a number
queue.withOptions({ priority: 'high' });
// @ts-expect-error size is read-only
queue.size = 3;
// @ts-expect-error misspelt queue option
bridge.queue({ concurency: 2 });
// @ts-expect-error a queue registers nothing
queue.register('shop:price', () => 1);

// ---- without a map: any name, any arguments ----

declare const loose: CallbackBridge;
expectTypeOf(loose.triggerServer('anything', 1, 'two', { three: 3 })).toEqualTypeOf<Promise<any>>();
expectTypeOf(loose.queue().triggerServer('anything')).toEqualTypeOf<Promise<any>>();

// ---- errors: branch on the closed code list ----

declare const error: unknown;
if (error instanceof CallbackError) {
  expectTypeOf(error.code).toEqualTypeOf<CallbackErrorCode>();
  expectTypeOf(error.timedOut).toEqualTypeOf<boolean>();
  // @ts-expect-error not a code
  if (error.code === 'CANCELLED') throw error;
}
