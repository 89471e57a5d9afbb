// What a global lookup costs in a Node `vm` context (the emulation's JS runtimes) against the main context, and
// whether binding the builtins to locals changes it. FiveM creates its V8 contexts natively: there a global lookup
// is a property-cell load. Run: node bench/spike/vm-globals.mjs
import vm from 'node:vm';

const src = `
function viaGlobal(n) { let s = 0; for (let i = 0; i < n; i++) s = Math.min(s + i, 1e9); return s; }
function viaLocal(n) { const M = Math; let s = 0; for (let i = 0; i < n; i++) s = M.min(s + i, 1e9); return s; }
globalThis.viaGlobal = viaGlobal; globalThis.viaLocal = viaLocal;`;
const context = vm.createContext({});
vm.runInContext(src, context);
(0, eval)(src);
const N = 2e6;
for (const [label, fn] of [
  ['main context, Math as a global', globalThis.viaGlobal],
  ['main context, Math as a local', globalThis.viaLocal],
  ['vm context, Math as a global', context.viaGlobal],
  ['vm context, Math as a local', context.viaLocal],
]) {
  fn(1e5);
  const t = performance.now();
  fn(N);
  const ms = performance.now() - t;
  console.log(`${label.padEnd(32)} ${((ms * 1e6) / N).toFixed(1)} ns per iteration`);
}
