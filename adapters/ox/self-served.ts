/**
 * Which callback names a resource answers on the ox wire itself: those its ox alias registered (`lib.callback.register`
 * through `@callback_bridge/import.lua`). The alias answers `__ox_cb_<name>` in-resource, so an unmodified ox caller
 * pays no cross-resource hop, and it claims the name in ox_lib's registry itself (ox_lib then records the real owner
 * and drops it when that resource stops, ref §1.9). The bridge's L1 listener must stay silent for those names, or the
 * handler would run twice per request (ref §1.9: both listeners answer, first reply wins, both side effects happen).
 *
 * The alias says so on `cbb:ox:self (name, serving)` before it registers the name in the engine; the bridge asks every
 * resource again with `cbb:ox:hello` whenever this adapter attaches (a bridge restart, ox_lib starting late).
 */
import type { OxWire } from './cfx.ts';
import { HELLO_EVENT, SELF_SERVED_EVENT } from './protocol.ts';

export class SelfServed {
  /** name → the resource that answers it itself. The first claim holds until that resource retracts or stops. */
  private readonly byName = new Map<string, string>();
  private readonly stops: Array<() => void> = [];

  constructor(wire: OxWire) {
    this.stops.push(
      wire.listenLocal(SELF_SERVED_EVENT, (invoker, [name, serving]) => {
        if (!invoker || typeof name !== 'string') return;
        const holder = this.byName.get(name);
        if (serving === false) {
          if (holder === invoker) this.byName.delete(name);
        } else if (holder === undefined) this.byName.set(name, invoker);
      }),
      wire.listenLocal('onResourceStop', (_invoker, [resource]) => {
        for (const [name, holder] of this.byName) if (holder === resource) this.byName.delete(name);
      }),
    );
    wire.emitLocal(HELLO_EVENT);
  }

  /** Whether `address` (the resource whose engine serves `name`) answers the ox wire for it itself. */
  serves(name: string, address: string | undefined): boolean {
    return address !== undefined && this.byName.get(name) === address;
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.byName.clear();
  }
}
