/**
 * The ESX test double alone (no bridge in the way): it behaves as the reference says ESX 1.13 does (ref §2.2), so the
 * adapter tests that lean on it test against the documented behaviour.
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../../support/cfx.ts';
import { esxSentIds, legacy, logged, scene, scriptErrors } from './support.ts';

const emu = useEmulator();

describe('ESX 1.13 test double', () => {
  it('serves server and client callbacks over its four wire events, every value, cb and await forms', async () => {
    await legacy(emu(), 'shop', {
      server: `
        ESX.RegisterServerCallback('shop:three', function(source, cb, x) cb(x, nil, source) end)
        CreateThread(function()
          Wait(500)
          ESX.TriggerClientCallback(1, 'shop:hello', function(...) out('toClient', ...) end, 'hi')
          out('awaitClient', ESX.AwaitClientCallback(1, 'shop:hello', 'again'))
        end)`,
      client: `
        ESX.RegisterClientCallback('shop:hello', function(cb, word) cb(word, 'back') end)
        CreateThread(function()
          Wait(100)
          ESX.TriggerServerCallback('shop:three', function(...) out('cb', ...) end, 'bread')
          out('await', ESX.AwaitServerCallback('shop:three', 'milk'))
          out('exists', ESX.DoesClientCallbackExist('shop:hello'), ESX.DoesClientCallbackExist('nope'))
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop'], { settle: 1500 });
    // The await form returns through a function reference into es_extended: what follows a nil hole is lost there
    // (ref §1.3, arrays packed 'without_hole'); the cb form gets every value.
    expect(s.client('shop')).toEqual({ cb: ['bread', null, 1], await: ['milk'], exists: [true, false] });
    expect(s.server('shop')).toEqual({ toClient: ['hi', 'back'], awaitClient: ['again', 'back'] });
    // Ids count from 0, one counter per client session and one global on the server.
    expect(esxSentIds(emu(), s.player)).toEqual([0, 1]);
    expect(esxSentIds(emu())).toEqual([0, 1]);
    expect(scriptErrors(emu())).toEqual([]);
  });

  it('raises "does not exist" and sends nothing for an unknown name; a throwing handler is logged, no reply', async () => {
    await legacy(emu(), 'shop', {
      server: `ESX.RegisterServerCallback('boom', function(source, cb) error('kaput') end)`,
      client: `
        CreateThread(function()
          Wait(100)
          ESX.TriggerServerCallback('nope', function(...) out('nope', ...) end)
          ESX.TriggerServerCallback('boom', function(...) out('boom', ...) end)
        end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop'], { settle: 20_000 });
    expect(s.client('shop')).toEqual({});
    expect(logged(emu(), /Server Callback with requestId nope Was Called by shop but does not exist/)).toHaveLength(1);
    expect(logged(emu(), 'Failed to execute Callback with RequestId: 1')).toHaveLength(1);
  });

  it('has a dead await timeout: an unanswered AwaitServerCallback blocks past 15 s', async () => {
    await legacy(emu(), 'shop', {
      server: `ESX.RegisterServerCallback('silent', function(source, cb) end)`,
      client: `CreateThread(function() Wait(100) out('got', ESX.AwaitServerCallback('silent')) end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'shop'], { settle: 40_000 });
    expect(s.client('shop')).toEqual({});
  });

  it('gives the object through the export, the legacy event and imports.lua; unregisters on resource stop', async () => {
    await legacy(emu(), 'viaEvent', { get: 'event', server: `ESX.RegisterServerCallback('ev', function(s, cb) cb('event') end)` });
    await legacy(emu(), 'viaExport', { get: 'export', server: `ESX.RegisterServerCallback('ex', function(s, cb) cb('export') end)` });
    await legacy(emu(), 'asker', {
      client: `CreateThread(function()
        Wait(100)
        out('ev', ESX.AwaitServerCallback('ev'))
        out('ex', ESX.AwaitServerCallback('ex'))
      end)`,
    });
    const s = await scene(emu(), ['callback_bridge', 'es_extended', 'viaEvent', 'viaExport', 'asker'], { settle: 1000 });
    expect(s.client('asker')).toEqual({ ev: ['event'], ex: ['export'] });
    emu().stop('viaEvent');
    await legacy(emu(), 'checker', { server: `out('after', ESX.DoesServerCallbackExist('ev'), ESX.DoesServerCallbackExist('ex'))` });
    emu().start('checker');
    expect(s.server('checker')).toEqual({ after: [false, true] });
  });
});
