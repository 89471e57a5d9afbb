/**
 * L3 for ox_lib: what the bridge answers on a server (or client) WITHOUT an ox_lib resource when the convar
 * `callback_bridge:standin` names `ox_lib`.
 *
 * ox_lib's callback API does not live in ox_lib: `lib.callback` is loaded into each consumer by `@ox_lib/init.lua`
 * (ref §1.1), and that include cannot exist without the resource. So the stand-in cannot give Lua consumers `lib`;
 * what it can answer is the part that does live in ox_lib, which the callback code of every copy relies on:
 *
 * - `exports.ox_lib:setValidCallback(name, valid)` and `exports.ox_lib:isCallbackValid(name)` (§1.9). The JS package's
 *   `onServerCallback` / `onClientCallback` call the first and fail without it (§2);
 * - `ox_lib:validateCallback (name, callerResource, key)`: `'cb_invalid'` for a name nobody registered (§1.8), so
 *   callers fail at once instead of waiting 300 s;
 * - the registry's cleanup when a resource stops.
 *
 * Scripts that bundle the JS package, or carry their own copy of ox's Lua callback module, then run unmodified; the
 * bridge's L1 listeners (answer.ts) serve the bridge's own names on the same wire in both modes.
 */
import type { AdapterContext } from '../types.ts';
import type { OxWire } from './cfx.ts';
import { CB_INVALID, OX_RESOURCE, RESOURCE_NAME, responseEvent, VALIDATE_EVENT } from './protocol.ts';

/** Starts the stand-in; returns the function that stops it. */
export function startStandin(ctx: AdapterContext, wire: OxWire): () => void {
  /** name → the resource that registered it (the invoking resource of setValidCallback, §1.9). */
  const owners = new Map<string, string>();
  const stops: Array<() => void> = [];

  const setValidCallback = (name: unknown, valid: unknown) => {
    if (typeof name !== 'string' || name === '') return;
    const invoker = wire.invoker() ?? OX_RESOURCE;
    const holder = owners.get(name);
    if (valid === false) {
      // ox_lib throws here (§1.9); taking back one's own name is what the call plainly asks for.
      if (holder === invoker) owners.delete(name);
      return;
    }
    if (holder === undefined) owners.set(name, invoker);
    else if (holder !== invoker) {
      // As ox_lib: a warning, and no refusal (the other resource's listener is already there).
      ctx.log('warn', `resource '${invoker}' attempted to overwrite callback '${name}' owned by resource '${holder}'`);
    }
  };
  // The facts only say it returns a boolean since v3.38 (§0, #792); we answer what its expression meant: whether the
  // calling resource holds `name` (registered it, or serves it through the bridge).
  const isCallbackValid = (name: unknown) => {
    if (typeof name !== 'string') return false;
    const invoker = wire.invoker() ?? OX_RESOURCE;
    return owners.get(name) === invoker || ctx.addressOf(name) === invoker;
  };

  for (const [exportName, fn] of [['setValidCallback', setValidCallback], ['isCallbackValid', isCallbackValid]] as const) {
    const stop = ctx.provideExport(OX_RESOURCE, exportName, fn);
    if (stop) stops.push(stop);
    else ctx.log('warn', `ox stand-in: exports.${OX_RESOURCE}:${exportName} not provided (a resource named ${OX_RESOURCE} exists)`);
  }

  stops.push(
    wire.listenNet(VALIDATE_EVENT, (from, [name, resource, key]) => {
      if (typeof name !== 'string' || typeof resource !== 'string' || !RESOURCE_NAME.test(resource) || typeof key !== 'string') return;
      if (owners.has(name) || ctx.addressOf(name) !== undefined) return;
      wire.send(responseEvent(resource), from, key, CB_INVALID);
    }),
    wire.listenLocal('onResourceStop', (_invoker, [resource]) => {
      for (const [name, holder] of owners) if (holder === resource) owners.delete(name);
    }),
  );

  return () => {
    for (const stop of stops.splice(0)) stop();
    owners.clear();
  };
}
