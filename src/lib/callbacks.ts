/**
 * The include for JS resources: `shared_script '@callback_bridge/dist/callbacks.js'` (or client_/server_script)
 * defines one global, `CallbackBridge`, the engine running inside that resource.
 */
import { CallbackError, createBridge } from '../api/bridge.ts';

(globalThis as unknown as Record<string, unknown>).CallbackBridge = Object.assign(createBridge(), { CallbackError });
