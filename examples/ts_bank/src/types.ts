/** The bank's callbacks, shared by both sides: name → (arguments) => reply. */
export interface Transfer {
  to: number;
  amount: number;
}

/** Served by the server, called by clients. */
export type ServerCallbacks = {
  'ts_bank:balance': () => number;
  'ts_bank:transfer': (transfer: Transfer) => { ok: boolean; balance: number; reason?: string };
  /** Bank staff only (ACE `ts_bank.audit`). */
  'ts_bank:audit': () => Array<[number, number]>;
};

/** Served by each client, called by the server. */
export type ClientCallbacks = {
  'ts_bank:confirm': (question: string) => boolean;
};
