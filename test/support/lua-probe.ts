/**
 * Runs CfxLua source in a fresh Lua 5.4 state (wasmoon) and reads plain-Lua expressions back as `tostring` text.
 */
import { CFXLUA_PROLOGUE, transformCfxLua } from '../emulator/lua/cfxlua-transform';
import type { LuaVm } from '../emulator/lua/lua-vm';

export interface CfxLuaProbeOptions {
  /** Plain Lua chunks run, in order, before the CfxLua source. */
  prelude?: [source: string, chunkName: string][];
}

/** Runs the prelude and CfxLua `src` in a fresh state, then returns `tostring(e)` for each plain-Lua expression. */
export function runCfxLua(vm: LuaVm, src: string, options: CfxLuaProbeOptions = {}, ...exprs: string[]): string[] {
  const L = vm.newState();
  try {
    for (const [source, chunkName] of options.prelude ?? []) vm.run(L, source, chunkName);
    vm.run(L, CFXLUA_PROLOGUE + transformCfxLua(src), '=(src)');
    return exprs.map((e) => {
      vm.run(L, `__probe = tostring(${e})`);
      vm.M._lua_getglobal(L, vm.cstr('__probe'));
      const s = vm.toString(L, -1);
      vm.setTop(L, -2);
      return s ?? '<not a string>';
    });
  } finally {
    vm.close(L);
  }
}

/** The error message the prelude and CfxLua `src` raise (load or run), or '' if none. */
export function cfxLuaError(vm: LuaVm, src: string, options: CfxLuaProbeOptions = {}): string {
  try {
    runCfxLua(vm, src, options);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
