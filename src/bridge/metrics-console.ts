/**
 * The console commands (contract §8): `cbmetrics [filter]` prints the metrics table, `cbmetrics_reset` makes every
 * engine on the server start counting again. Both are restricted: the server console may always run them, a player
 * needs the ACE `command.cbmetrics` / `command.cbmetrics_reset`; a player's table goes to their F8 console.
 */
import { formatMetricsTable } from './metrics-text.ts';
import { SAMPLE_MS, type MetricsService } from './metrics-service.ts';

/** The client event that prints a table in a player's F8 console (sent by the server bridge only). */
export const METRICS_PRINT_EVENT = 'cbb:metrics:print';

export interface MetricsCommandsDeps {
  service: MetricsService;
  /** `RegisterCommand(name, handler, restricted)`. */
  register(name: string, handler: (source: number, args: string[]) => void, restricted: boolean): void;
  /** Prints lines in the server console. */
  print(lines: string[]): void;
  /** Sends lines to one player's console. */
  printTo(player: number, lines: string[]): void;
  later(fn: () => void, ms: number): void;
}

export function installMetricsCommands(deps: MetricsCommandsDeps): void {
  const answer = (source: number, lines: string[]) => (source > 0 ? deps.printTo(source, lines) : deps.print(lines));

  deps.register('cbmetrics', (source, args) => {
    const filter = args.join(' ').trim() || undefined;
    const show = () => answer(source, formatMetricsTable(deps.service.view(), { filter }));
    // Calls/s need two pulls: when nobody watched, the bridge pulls now and answers a second later.
    if (deps.service.view().windowSeconds > 0) show();
    else deps.later(show, SAMPLE_MS + 100);
  }, true);

  deps.register('cbmetrics_reset', (source) => {
    deps.service.reset();
    answer(source, ['callback_bridge: metrics reset on every resource of the server']);
  }, true);
}
