/** Client side of the bank: `/bank`, `/bank send <player> <amount>`, and the confirmation the server asks for. */
import { CallbackError, createBridge } from 'callback_bridge/api';
import type { ClientCallbacks, ServerCallbacks } from './types.ts';

const bridge = createBridge<ServerCallbacks, ClientCallbacks>();

// A real script would show a prompt; this one accepts.
bridge.registerClient('ts_bank:confirm', (question) => {
  console.log(`bank asks: ${question} yes`);
  return true;
});

RegisterCommand('bank', async (_source: number, args: string[]) => {
  try {
    if (args[0] === 'send') {
      const result = await bridge.triggerServer('ts_bank:transfer', { to: Number(args[1]), amount: Number(args[2]) });
      console.log(result.ok ? `sent, balance ${result.balance}` : `not sent: ${result.reason}`);
    } else {
      console.log(`balance ${await bridge.withOptions({ timeout: 5000, retries: 1 }).triggerServer('ts_bank:balance')}`);
    }
  } catch (e) {
    // Every failure has a code: TIMEOUT, RATE_LIMITED, INVALID_ARGUMENTS, ...
    console.log(e instanceof CallbackError ? `bank failed (${e.code}): ${e.message}` : String(e));
  }
}, false);
