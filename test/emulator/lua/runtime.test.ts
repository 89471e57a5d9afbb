/**
 * Unit tests of the Lua runtime (lua/runtime.ts + lua/runtime/*.lua) against a fake RuntimeHost: a Map-based event
 * bus between Lua runtimes, funcrefs routed by parsing "res:inst:idx", virtual time advanced by hand.
 * The cross-runtime fidelity tests against the real machine live in test/fidelity/.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getLuaVm, type LuaVm } from './lua-vm.ts';
import { LuaRuntime } from './runtime.ts';
import { createJsCodec } from '../msgpack/js-codec.ts';
import type { RuntimeHost, ScriptRuntime } from '../types.ts';

const js = createJsCodec({ packFunction: () => 'none:0:0', unpackFuncRef: (ref) => ref });

/** One machine's worth of fake host: resources by name, an event bus, a runtime stack, a clock. */
class Bus {
  now = 0;
  readonly handlers = new Map<string, Set<Res>>();
  readonly resources = new Map<string, Res>();
  readonly stack: Res[] = [];
  readonly cancelStack: boolean[] = [];
  readonly log: string[] = [];
  readonly errors: string[] = [];
  readonly sent: { kind: string; name: string; target?: string; args: unknown }[] = [];

  constructor(readonly vm: LuaVm) {}

  add(name: string, opts: { side?: 'server' | 'client'; natives?: Record<string, (...a: any[]) => unknown> } = {}): Res {
    const r = new Res(this, name, opts.side ?? 'server', opts.natives ?? {});
    this.resources.set(name, r);
    return r;
  }

  /** Starts a resource with one script; returns its runtime. */
  start(name: string, code: string, opts?: Parameters<Bus['add']>[1]): LuaRuntime {
    const r = this.resources.get(name) ?? this.add(name, opts);
    r.rt = new LuaRuntime(this.vm, r.host);
    r.rt.loadScript('server.lua', code);
    return r.rt;
  }

  trigger(name: string, payload: Uint8Array, source = ''): boolean {
    this.cancelStack.push(false);
    for (const r of [...(this.handlers.get(name) ?? [])]) if (r.rt && !r.rt.isDestroyed) r.rt.dispatchEvent(name, payload, source);
    return !this.cancelStack.pop();
  }

  /** Advances virtual time to `to`, ticking every runtime that asked for it. */
  advance(to: number): void {
    this.now = to;
    for (const r of this.resources.values()) if (r.rt && r.rt.nextWake() <= to) r.rt.tick(to);
  }

  private owner(ref: string): { rt: LuaRuntime; idx: number } | null {
    const [res, inst, idx] = ref.split(':');
    const r = this.resources.get(res);
    if (!r?.rt || r.rt.isDestroyed || r.rt.instanceId !== Number(inst)) return null;
    return { rt: r.rt, idx: Number(idx) };
  }

  invoke(ref: string, args: Uint8Array): Uint8Array {
    const o = this.owner(ref);
    if (!o) throw new Error(`No such resource for function reference ${ref}`);
    return o.rt.callRef(o.idx, args);
  }

  duplicate(ref: string): string {
    const o = this.owner(ref);
    return o ? ref.replace(/\d+$/, String(o.rt.duplicateRef(o.idx))) : ref;
  }

  delete(ref: string): void {
    this.owner(ref)?.rt.deleteRef(this.owner(ref)!.idx);
  }
}

class Res {
  rt: LuaRuntime | null = null;
  readonly host: RuntimeHost;

  constructor(
    readonly bus: Bus,
    readonly name: string,
    side: 'server' | 'client',
    natives: Record<string, (...a: any[]) => unknown>,
  ) {
    const b = bus;
    const self = this;
    this.host = {
      side,
      resourceName: name,
      resourcePath: `/fake/${name}`,
      now: () => b.now,
      wakeAt: () => {},
      registerEventHandler: (ev) => {
        let set = b.handlers.get(ev);
        if (!set) b.handlers.set(ev, (set = new Set()));
        set.add(self);
      },
      triggerEvent: (ev, payload) => b.trigger(ev, payload),
      cancelEvent: () => {
        if (b.cancelStack.length) b.cancelStack[b.cancelStack.length - 1] = true;
      },
      wasEventCanceled: () => b.cancelStack[b.cancelStack.length - 1] ?? false,
      triggerClientEvent: (ev, target, payload) => void b.sent.push({ kind: 'client', name: ev, target, args: js.unpack(payload) }),
      triggerLatentClientEvent: (ev, target, payload) => void b.sent.push({ kind: 'latentClient', name: ev, target, args: js.unpack(payload) }),
      triggerServerEvent: (ev, payload) => void b.sent.push({ kind: 'server', name: ev, args: js.unpack(payload) }),
      triggerLatentServerEvent: (ev, payload) => void b.sent.push({ kind: 'latentServer', name: ev, args: js.unpack(payload) }),
      invokeFunctionReference: (ref, args) => b.invoke(ref, args),
      duplicateFunctionReference: (ref) => b.duplicate(ref),
      deleteFunctionReference: (ref) => b.delete(ref),
      canonicalizeRef: (rt: ScriptRuntime, idx) => `${name}:${rt.instanceId}:${idx}`,
      enterRuntime: () => void b.stack.push(self),
      exitRuntime: () => void b.stack.pop(),
      getInvokingResource: () => (b.stack.length >= 2 ? b.stack[b.stack.length - 2].name : null),
      natives,
      print: (text) => void b.log.push(`[${name}] ${text}`),
      scriptError: (message) => void b.errors.push(`[${name}] ${message}`),
    };
  }
}

let vm: LuaVm;
let bus: Bus;
beforeAll(async () => {
  vm = await getLuaVm();
});
beforeEach(() => {
  bus = new Bus(vm);
});

/** The lines a resource printed, without the "[res] " prefix. */
const printed = (res: string) => bus.log.filter((l) => l.startsWith(`[${res}] `)).map((l) => l.slice(res.length + 3));

describe('threads (ref §5.2)', () => {
  it('an event handler runs in its own thread: it may Wait and resumes on a later tick', () => {
    bus.start('a', `
      AddEventHandler('go', function(x)
        print('start', x, GetGameTimer())
        Wait(100)
        print('resumed', x, GetGameTimer())
      end)
    `);
    expect(bus.trigger('go', js.pack([7]))).toBe(true);
    expect(printed('a')).toEqual(['start\t7\t0']);
    const rt = bus.resources.get('a')!.rt!;
    expect(rt.nextWake()).toBe(100);
    bus.advance(50);
    expect(printed('a')).toHaveLength(1);
    bus.advance(100);
    expect(printed('a')).toEqual(['start\t7\t0', 'resumed\t7\t100']);
    expect(rt.nextWake()).toBe(Infinity);
  });

  it('CreateThreadNow runs at once and returns true only when the thread yielded', () => {
    bus.start('a', `
      local order = {}
      local y = Citizen.CreateThreadNow(function() order[#order + 1] = 'in'; Wait(0); order[#order + 1] = 'later' end)
      order[#order + 1] = 'out'
      local n = Citizen.CreateThreadNow(function() end)
      print(y, n, table.concat(order, ','))
      CreateThread(function() print('next tick', table.concat(order, ',')) end)
    `);
    expect(printed('a')).toEqual(['true\tfalse\tin,out']);
    bus.advance(50);
    expect(printed('a')).toEqual(['true\tfalse\tin,out', 'next tick\tin,out,later']);
  });

  it('a main chunk is a thread: top-level Wait defers the rest of the file (FiveM since 2023)', () => {
    bus.start('a', `print('before'); Wait(10); print('after', GetGameTimer())`);
    expect(printed('a')).toEqual(['before']);
    bus.advance(10);
    expect(printed('a')).toEqual(['before', 'after\t10']);
  });

  it('SetTimeout fires once; ClearTimeout only cancels within the entry that created the timer', () => {
    bus.start('a', `
      local t1 = SetTimeout(100, function() print('t1 fired') end)
      print('cleared now', ClearTimeout(t1))
      t2 = SetTimeout(100, function() print('t2 fired', GetGameTimer()) end)
      AddEventHandler('clear', function() print('cleared later', ClearTimeout(t2)) end)
    `);
    bus.trigger('clear', js.pack([]));
    bus.advance(100);
    expect(printed('a')).toEqual(['cleared now\ttrue', 'cleared later\tfalse', 't2 fired\t100']);
  });
});

describe('promise and Citizen.Await (ref §5.2)', () => {
  it('numeric states, one value, synchronous resolution', () => {
    bus.start('a', `
      local p = promise.new()
      local during
      local child = p:next(function(v) during = p.state; return v + 1 end)
      print('pending', p.state, child.state)
      p:resolve(41, 'ignored')
      print('resolved', p.state, p.value, during, child.state, child.value)
      p:resolve(0)
      print('kept', p.value)
      local late = p:next(function(v) return v * 2 end)
      print('late', late.state, late.value)
      local r = promise.new()
      r:reject('bad')
      local recovered = r:next(nil, function(e) return 'fixed ' .. e end)
      print('rejected', r.state, r.value, recovered.state, recovered.value)
      local chained = promise.new()
      local inner = promise.new()
      local out = chained:next(function() return inner end):next(function(v) return 'got ' .. v end)
      chained:resolve(true)
      print('adopting', out.state)
      inner:resolve('x')
      print('adopted', out.state, out.value)
      local all = promise.all({ promise.new():resolve(1), promise.new():resolve(2) })
      print('all', all.state, all.value[1], all.value[2])
    `);
    expect(printed('a')).toEqual([
      'pending\t0\t0',
      'resolved\t3\t41\t1\t3\t42',
      'kept\t41',
      'late\t3\t82',
      'rejected\t4\tbad\t3\tfixed bad',
      'adopting\t1',
      'adopted\t3\tgot x',
      'all\t3\t1\t2',
    ]);
  });

  it('Await returns a resolved value, raises a rejection, and waits for a pending promise', () => {
    bus.start('a', `
      CreateThread(function()
        print('resolved', Citizen.Await(promise.new():resolve('ok')))
        local ok, err = pcall(Citizen.Await, promise.new():reject('nope'))
        print('rejected', ok, err)
        local p = promise.new()
        SetTimeout(100, function() p:resolve('later') end)
        print('pending', Citizen.Await(p), GetGameTimer())
      end)
    `);
    bus.advance(50);
    expect(printed('a')).toEqual(['resolved\tok', 'rejected\tfalse\tnope']);
    bus.advance(150);
    expect(printed('a')).toEqual(['resolved\tok', 'rejected\tfalse\tnope', 'pending\tlater\t150']);
  });

  it('settling a promise resumes its awaiting thread synchronously, inside resolve', () => {
    bus.start('a', `
      local p = promise.new()
      CreateThread(function() print('woke', Citizen.Await(p)) end)
      AddEventHandler('settle', function() print('resolving'); p:resolve(5); print('resolved') end)
    `);
    bus.advance(50);
    bus.trigger('settle', js.pack([]));
    expect(printed('a')).toEqual(['resolving', 'woke\t5', 'resolved']);
  });
});

describe('events and source (ref §1.1, §1.2, §5.5)', () => {
  it("source is '' in a local handler, restored after, and TriggerEvent returns not-cancelled", () => {
    bus.start('a', `
      AddEventHandler('local', function() print('in', type(source), source) end)
      AddEventHandler('cancel', function() CancelEvent() end)
      source = 'outer'
      print('ret', TriggerEvent('local'), TriggerEvent('cancel'), source)
    `);
    expect(printed('a')).toEqual(["in\tstring\t", 'ret\ttrue\tfalse\touter']);
  });

  it("'net:' gives a number and is refused (with a message) unless the event was registered for the net", () => {
    const rt = bus.start('a', `
      RegisterNetEvent('safe', function(a, b) print('safe', a, b, math.type(source), source) end)
      AddEventHandler('unsafe', function() print('unsafe ran') end)
      AddEventHandler('player', function(r) print('player', r, source) end)
    `);
    rt.dispatchEvent('safe', js.pack(['x', null]), 'net:12');
    rt.dispatchEvent('unsafe', js.pack([]), 'net:12');
    rt.dispatchEvent('player', js.pack(['bye']), 'internal-net:65536');
    expect(printed('a')).toEqual(['safe\tx\tnil\tinteger\t12', 'event unsafe was not safe for net', 'player\tbye\t65536']);
  });

  it('a handler that triggers an event handled by its own runtime re-enters on the running thread', () => {
    bus.start('a', `
      AddEventHandler('deep', function(n)
        if n < 3 then TriggerEvent('deep', n + 1) end
        Wait(10)
        print('after', n, source)
      end)
      TriggerEvent('deep', 1)
    `);
    bus.advance(10);
    expect(printed('a')).toEqual(['after\t3\tnil', 'after\t2\tnil', 'after\t1\tnil']);
    expect(bus.errors).toEqual([]);
  });

  it('AddEventHandler returns {key, name} for RemoveEventHandler; TriggerClientEvent packs the arguments', () => {
    bus.start('a', `
      local h = AddEventHandler('x', function() print('x ran') end)
      print(type(h.key), h.name)
      RemoveEventHandler(h)
      TriggerEvent('x')
      TriggerClientEvent('cl', 5, 1, nil, 'z')
      TriggerClientEvent('all', -1)
    `);
    expect(printed('a')).toEqual(['number\tx']);
    expect(bus.sent).toEqual([
      { kind: 'client', name: 'cl', target: '5', args: [1, null, 'z'] },
      { kind: 'client', name: 'all', target: '-1', args: [] },
    ]);
  });

  it('GetPlayers is a table of strings from the player natives', () => {
    bus.start('a', `local p = GetPlayers(); print(#p, type(p[1]), p[1], p[2])`, {
      natives: { GetNumPlayerIndices: () => 2, GetPlayerFromIndex: (i: number) => String(i + 1) },
    });
    expect(printed('a')).toEqual(['2\tstring\t1\t2']);
  });
});

describe('exports and funcrefs (ref §2.4, §5.1)', () => {
  it('exports between two Lua runtimes: colon call, multiple values, missing export error', () => {
    bus.start('lib', `exports('add', function(a, b) return a + b, GetInvokingResource() end)`);
    bus.start('app', `
      print('sum', exports.lib:add(2, 3))
      local ok, err = pcall(function() return exports.lib:nope() end)
      print('missing', ok, err)
      local ok2, err2 = pcall(function() return exports.lib.add(2, 3) end)
      print('dot call', ok2)
    `);
    expect(printed('app')).toEqual([
      'sum\t5\tapp',
      'missing\tfalse\t@app/server.lua:3: No such export nope in resource lib',
      'dot call\tfalse',
    ]);
  });

  it('a funcref call returns every value; a nil in the middle makes a map, as lua-cmsgpack packs it', () => {
    bus.start('lib', `
      exports('three', function() return 1, 'two', 3.5 end)
      exports('holey', function() return 'a', nil, 'c' end)
      exports('leadingNil', function() return nil, 'x' end)
    `);
    bus.start('app', `
      print('three', select('#', exports.lib:three()), exports.lib:three())
      local t = { exports.lib:holey() }
      print('holey', t[1], t[3])
      print('leadingNil', select('#', exports.lib:leadingNil()))
    `);
    // {1='a', 3='c'} and {2='x'} travel as maps: the caller's table.unpack sees the border of what arrives.
    expect(printed('app')).toEqual(['three\t3\t1\ttwo\t3.5', 'holey\ta\tnil', 'leadingNil\t0']);
  });

  it('the callee answers pack({...}) with a map when a nil comes first, pack(nil) on error', () => {
    const lib = bus.start('lib', `
      exports('leadingNil', function() return nil, 'x' end)
      exports('boom', function() error('kaboom') end)
    `);
    // The index of an export's function: ask for it the way `exports` does and read the ref the setter gets.
    const refFor = (name: string): number => {
      const before = bus.log.length;
      const probe = bus.start(`probe_${name}`, `
        TriggerEvent('__cfx_export_lib_${name}', function(f) held = f; print(rawget(f, '__cfx_functionReference')) end)
      `);
      void probe; // it stays alive: its funcref table holds the reference we call below
      const ref = bus.log[before].split('] ')[1];
      return Number(ref.split(':')[2]);
    };
    // {[2] = 'x'}: a map with the integer key 2 (81 02 a1 78), not an array.
    expect([...lib.callRef(refFor('leadingNil'), js.pack([]))]).toEqual([0x81, 0x02, 0xa1, 0x78]);
    expect([...lib.callRef(refFor('boom'), js.pack([]))]).toEqual([0xc0]);
    expect(bus.errors).toEqual(['[lib] @lib/server.lua:3: kaboom\n> fn (@lib/server.lua:3)']);
  });

  it('an error in an export is re-raised with the wrapper text; the callee prints its SCRIPT ERROR', () => {
    bus.start('lib', `exports('boom', function() error('kaboom') end)`);
    bus.start('app', `print(pcall(function() exports.lib:boom() end))`);
    // error(..., 2) puts the caller's position in front, as in FiveM.
    expect(printed('app')).toEqual([
      'false\t@app/server.lua:1: \n^5 An error occurred while calling export `boom` in resource `lib`:\n  nil\n^5 ---',
    ]);
    expect(bus.errors[0]).toMatch(/^\[lib\] @lib\/server\.lua:1: kaboom\n> /);
  });

  it('a callee that yields is async: a Lua caller inside a thread gets its values after the wait', () => {
    bus.start('lib', `exports('slow', function(x) Wait(100); return x * 2, 'done' end)`);
    bus.start('app', `
      CreateThread(function()
        local t0 = GetGameTimer()
        print('slow', exports.lib:slow(21))
        print('waited', GetGameTimer() - t0)
      end)
    `);
    bus.advance(50);
    expect(printed('app')).toEqual([]);
    bus.advance(150);
    expect(printed('app')).toEqual(['slow\t42\tdone', 'waited\t100']);
  });

  it('a yielding callee that fails rejects the Lua caller with the SCRIPT ERROR text', () => {
    bus.start('lib', `exports('slowBoom', function() Wait(10); error('late boom') end)`);
    bus.start('app', `
      CreateThread(function()
        local ok, err = pcall(function() return exports.lib:slowBoom() end)
        print(ok, err:match('SCRIPT ERROR: ([^\\n^]*)'))
      end)
    `);
    bus.advance(50);
    bus.advance(60);
    expect(printed('app')).toEqual(['false\t@lib/server.lua:1: late boom']);
  });

  it('a funcref into a destroyed runtime fails with the documented error', () => {
    bus.start('lib', `exports('make', function() return function(a, b) return a .. b end end)`);
    const app = bus.start('app', `
      cb = exports.lib:make()
      print('alive', type(cb), cb('x', 'y'))
      AddEventHandler('later', function()
        local ok, err = pcall(cb, 'a', 'b')
        print('dead', ok, err)
        print('index', pcall(function() return cb.foo end))
      end)
    `);
    bus.resources.get('lib')!.rt!.destroy();
    bus.trigger('later', js.pack([]));
    const ref = bus.log.find((l) => l.includes('dead'))!.match(/lib:\d+:\d+/)![0];
    expect(printed('app')).toEqual([
      'alive\ttable\txy',
      `dead\tfalse\tExecution of function reference in script host failed: No such resource for function reference ${ref}`,
      'index\tfalse\t@app/server.lua:7: Cannot index a funcref',
    ]);
    expect(app.isDestroyed).toBe(false);
  });

  it('refcounts: a packed function has count 0 until a receiver duplicates it; the last delete frees it', () => {
    const a = bus.start('a', `
      AddEventHandler('take', function(f) held = f end)
      TriggerEvent('take', function() return 'hi' end)
      print(held())
    `);
    expect(printed('a')).toEqual(['hi']);
    // index 0: the function packed by TriggerEvent, duplicated once by the handler's funcref table.
    expect(a.duplicateRef(0)).toBe(0);
    a.deleteRef(0);
    a.deleteRef(0);
    expect(a.duplicateRef(0)).toBe(-1);
    expect([...a.callRef(0, js.pack([]))]).toEqual([0xc0]);
    expect(printed('a')).toContain('Invalid ref call attempt: 0');
  });
});

describe('resources', () => {
  it('the Lua stack stays balanced across thousands of entries, nested ones included', () => {
    const a = bus.start('a', `
      AddEventHandler('n', function(k) if k > 0 then TriggerEvent('n', k - 1) end end)
      exports('id', function(...) return ... end)
    `);
    bus.start('b', `function run() for i = 1, 500 do TriggerEvent('n', 3); exports.a:id(i, nil, 'x') end end`);
    const b = bus.resources.get('b')!.rt!;
    for (let i = 0; i < 4; i++) b.loadScript('run.lua', 'run()');
    const top = (rt: LuaRuntime) => vm.M._lua_gettop((rt as unknown as { L: number }).L) as number;
    expect([top(a), top(b)]).toEqual([0, 0]);
    expect(bus.errors).toEqual([]);
  });

  it('funcref tables that become garbage release their references in the owner', () => {
    const lib = bus.start('lib', `exports('make', function() return function() return 1 end end)`);
    const refs = () => (lib as unknown as { refs: Map<number, unknown> }).refs.size;
    const before = refs();
    const app = bus.start('app', `
      keep = {}
      for i = 1, 100 do keep[i] = exports.lib:make() end
    `);
    expect(refs()).toBeGreaterThanOrEqual(before + 100);
    app.loadScript('drop.lua', 'keep = nil; collectgarbage(); collectgarbage()');
    expect(refs()).toBeLessThanOrEqual(before + 1);
  });
});

describe('natives', () => {
  it('host natives are globals; a Lua function argument becomes a JS callable over msgpack', () => {
    let handler: ((...a: unknown[]) => unknown) | undefined;
    bus.start('a', `
      RegisterCommand('hello', function(src, args, raw) print('cmd', src, #args, args[1], raw); return 'ret' end, false)
      print(GetConvar('x', 'def'), GetResourceState('a'), GetCurrentResourceName(), IsDuplicityVersion(), math.type(GetGameTimer()))
      local t = GetThings()
      print(t.list[2], t.n)
    `, {
      natives: {
        RegisterCommand: (_name: string, fn: (...a: unknown[]) => unknown) => {
          handler = fn;
        },
        GetConvar: (_n: string, def: string) => def,
        GetResourceState: (n: string) => (n === 'a' ? 'started' : 'missing'),
        GetThings: () => ({ list: [1, 'two'], n: 2 }),
      },
    });
    expect(printed('a')).toEqual(['def\tstarted\ta\ttrue\tinteger', 'two\t2']);
    expect(handler!(0, ['x', 'y'], 'hello x y')).toBe('ret');
    expect(printed('a')[2]).toBe('cmd\t0\t2\tx\thello x y');
  });
});

describe('errors and teardown', () => {
  it('a script error prints SCRIPT ERROR with a trace and the runtime keeps working', () => {
    const rt = bus.start('a', `
      local function inner() error('boom') end
      AddEventHandler('fail', function() inner() end)
      AddEventHandler('ok', function() print('still alive') end)
    `);
    bus.trigger('fail', js.pack([]));
    bus.trigger('ok', js.pack([]));
    rt.loadScript('broken.lua', 'this is not lua');
    rt.loadScript('top.lua', `error({})`);
    bus.trigger('ok', js.pack([]));
    expect(printed('a')).toEqual(['still alive', 'still alive']);
    expect(bus.errors[0]).toBe('[a] @a/server.lua:2: boom\n> inner (@a/server.lua:2)\n> handler (@a/server.lua:3)');
    expect(bus.errors[1]).toMatch(/^\[a\] Error parsing script @a\/broken\.lua in resource a: /);
    expect(bus.errors[2]).toBe('[a] error object is not a string\n> [global chunk] (@a/top.lua:1)');
  });

  it('destroy() during its own Lua call waits for the call to unwind; later calls are harmless', () => {
    let self: LuaRuntime | undefined;
    self = bus.start('a', `
      AddEventHandler('stop', function() StopMe(); print('unwinding') end)
      CreateThread(function() Wait(100); print('never') end)
    `, { natives: { StopMe: () => self!.destroy() } });
    bus.trigger('stop', js.pack([]));
    expect(self.isDestroyed).toBe(true);
    expect(self.nextWake()).toBe(Infinity);
    self.tick(1000);
    self.dispatchEvent('stop', js.pack([]), '');
    self.loadScript('x.lua', 'print(1)');
    expect([...self.callRef(0, js.pack([]))]).toEqual([0xc0]);
    self.destroy();
    expect(printed('a')).toEqual(['unwinding']);
  });
});

describe('json (lua-rapidjson with FiveM defaults)', () => {
  it('encodes {} as [], arrays with small holes, floats the rapidjson way; decodes with __jsontype', () => {
    bus.start('a', `
      print(json.encode({}), json.encode({1, 2, 3}), json.encode({1, nil, 3}), json.encode({a = 1}))
      print(json.encode(1.0), json.encode(0.1), json.encode(1e21), json.encode(1/0), json.encode(12), json.encode('a"\\n'))
      local v = json.decode('{"a":[1,2.5,null,true],"b":{}}')
      print(math.type(v.a[1]), math.type(v.a[2]), v.a[3], v.a[4], json.encode(v.b), json.isobject(v))
      print(json.decode('[1,'))
    `);
    expect(printed('a')).toEqual([
      '[]\t[1,2,3]\t[1,null,3]\t{"a":1}',
      '1.0\t0.1\t1e21\tnull\t12\t"a\\"\\n"',
      'integer\tfloat\tnil\ttrue\t{}\ttrue',
      'nil\t3\tInvalid value. (3)',
    ]);
  });
});

describe('speed', () => {
  it('Lua→Lua funcref calls through the fake host', () => {
    bus.start('lib', `exports('getAdder', function() return function(a, b) return a + b end end)`);
    const app = bus.start('app', `
      local add = exports.lib:getAdder()
      function bench(n)
        local s = 0
        for i = 1, n do s = s + add(i, 1) end
        return s
      end
    `);
    void app;
    const n = 20000;
    const run = (): number => {
      const t0 = performance.now();
      bus.resources.get('app')!.rt!.loadScript('bench.lua', `print(bench(${n}))`);
      return performance.now() - t0;
    };
    run();
    const ms = run();
    const perSecond = Math.round((n / ms) * 1000);
    console.log(`Lua→Lua funcref calls: ${perSecond}/s (${n} in ${ms.toFixed(0)} ms)`);
    expect(printed('app').at(-1)).toBe(String((n * (n + 1)) / 2 + n));
    expect(perSecond).toBeGreaterThan(1000);
  });
});
