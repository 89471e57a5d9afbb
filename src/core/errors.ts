/**
 * The one error class of the engine. Every failure a caller can see carries a code from one closed list
 * (contract §3); callers branch on `code`, never on message text.
 */

/** Every engine failure code, in one place (contract §3). */
export const CALLBACK_ERROR_CODES = [
  'NOT_FOUND',
  'TIMEOUT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INVALID_ARGUMENTS',
  'FORBIDDEN',
  'HANDLER_ERROR',
  'PLAYER_DROPPED',
  'RESOURCE_STOPPED',
  'BUSY',
] as const;

export type CallbackErrorCode = (typeof CALLBACK_ERROR_CODES)[number];

const codeSet: ReadonlySet<string> = new Set(CALLBACK_ERROR_CODES);

/** Whether `value` is one of the codes (for data that arrives over the wire). */
export function isCallbackErrorCode(value: unknown): value is CallbackErrorCode {
  return typeof value === 'string' && codeSet.has(value);
}

/** What a caller reads when nothing more specific was said. */
export function defaultMessage(code: CallbackErrorCode, callback: string): string {
  switch (code) {
    case 'NOT_FOUND':
      return `callback '${callback}' does not exist`;
    case 'TIMEOUT':
      return `callback '${callback}' timed out`;
    case 'RATE_LIMITED':
      return `callback '${callback}' is rate limited, try again later`;
    case 'PAYLOAD_TOO_LARGE':
      return `callback '${callback}' payload is too large`;
    case 'INVALID_ARGUMENTS':
      return `callback '${callback}' received invalid arguments`;
    case 'FORBIDDEN':
      return `callback '${callback}' is not allowed for this player`;
    case 'HANDLER_ERROR':
      return `callback '${callback}' failed on the other side`;
    case 'PLAYER_DROPPED':
      return `callback '${callback}' ended: the player dropped`;
    case 'RESOURCE_STOPPED':
      return `callback '${callback}' ended: a resource stopped`;
    case 'BUSY':
      return `callback '${callback}' refused: too many requests in flight`;
  }
}

/**
 * A failed callback. `code` is what to branch on; `callback` names the callback; `cause` keeps a local error (it is
 * never sent over the wire: only `{code, message}` crosses, contract §6).
 *
 * @example
 * try { await bridge.trigger('shop:buy', item) } catch (e) { if (e instanceof CallbackError && e.code === 'TIMEOUT') retry() }
 */
export class CallbackError extends Error {
  override readonly name = 'CallbackError';
  readonly code: CallbackErrorCode;
  readonly callback: string;

  constructor(code: CallbackErrorCode, callback: string, message?: string, options?: { cause?: unknown }) {
    super(message ?? defaultMessage(code, callback), options);
    this.code = code;
    this.callback = callback;
    // Subclassing Error loses the prototype when compiled down; keep `instanceof` true everywhere.
    Object.setPrototypeOf(this, new.target.prototype);
  }

  /** True for TIMEOUT: the cb forms pass it as their third argument (`timedOut`). */
  get timedOut(): boolean {
    return this.code === 'TIMEOUT';
  }
}

/** Any thrown value as a CallbackError: engine errors pass through, anything else is the handler's fault. */
export function toCallbackError(error: unknown, callback: string): CallbackError {
  if (error instanceof CallbackError) return error;
  return new CallbackError('HANDLER_ERROR', callback, undefined, { cause: error });
}
