/**
 * Which callback names a resource answers on the ox wire itself:
 *
 * - those its Lua ox alias registered (`lib.callback.register` through `@callback_bridge/import.lua`), announced one by
 *   one on `cbb:ox:self (name, serving)` before the alias registers the name in the engine;
 * - every name served by a JS resource's in-resource engine (`dist/callbacks.js`, `createBridge`: self-answer.ts),
 *   announced once for the whole engine on `cbb:ox:engine (serving)` when it starts, and name by name as well.
 *
 * Such a resource answers `__ox_cb_<name>` in-resource, so an unmodified ox caller pays no cross-resource hop, and it
 * claims the name in ox_lib's registry itself (ox_lib then records the real owner and drops it when that resource
 * stops, ref §1.9). The bridge's L1 listener must stay silent for those names, or the handler would run twice per
 * request (ref §1.9: both listeners answer, first reply wins, both side effects happen).
 *
 * The bridge asks every resource again with `cbb:ox:hello` whenever this adapter attaches (a bridge restart, ox_lib
 * starting late). Only the invoking resource is believed, and only about itself.
 */
import type { OxWire } from './cfx.ts';
import { HELLO_EVENT, SELF_ENGINE_EVENT, SELF_SERVED_EVENT } from './protocol.ts';

export class SelfServed {
  /** name → the resource that answers it itself. The first claim holds until that resource retracts or stops. */
  private readonly byName = new Map<string, string>();
  /** Resources whose engine answers every name it serves (but its own resource name, see SELF_ENGINE_EVENT). */
  private readonly engines = new Set<string>();
  private readonly stops: Array<() => void> = [];
  private retracted: (name: string) => void = () => undefined;

  constructor(wire: OxWire) {
    this.stops.push(
      wire.listenLocal(SELF_SERVED_EVENT, (invoker, [name, serving]) => {
        if (!invoker || typeof name !== 'string') return;
        const holder = this.byName.get(name);
        if (serving === false) {
          if (holder !== invoker) return;
          this.byName.delete(name);
          this.retracted(name);
        } else if (holder === undefined) this.byName.set(name, invoker);
      }),
      wire.listenLocal(SELF_ENGINE_EVENT, (invoker, [serving]) => {
        if (!invoker) return;
        if (serving === false) this.engines.delete(invoker);
        else this.engines.add(invoker);
      }),
      wire.listenLocal('onResourceStop', (_invoker, [resource]) => {
        this.engines.delete(resource as string);
        for (const [name, holder] of this.byName) if (holder === resource) this.byName.delete(name);
      }),
    );
    wire.emitLocal(HELLO_EVENT);
  }

  /** Whether `address` (the resource whose engine serves `name`) answers the ox wire for it itself. */
  serves(name: string, address: string | undefined): boolean {
    if (address === undefined) return false;
    return this.byName.get(name) === address || (name !== address && this.engines.has(address));
  }

  /**
   * `fn(name)` runs when a resource stops answering `name` itself while it keeps running (it unregistered the name):
   * ox_lib still holds the name for it (§1.9: it cannot take one back), so someone must go on answering its callers.
   */
  onRetract(fn: (name: string) => void): void {
    this.retracted = fn;
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.byName.clear();
    this.engines.clear();
  }
}
