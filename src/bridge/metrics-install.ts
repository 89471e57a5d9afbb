/**
 * The server bridge's observability (contract §8), wired to CitizenFX: the metrics service, the console commands and
 * the HTTP handler with the dashboard. src/server/index.ts calls {@link installServerMetrics} once.
 */
import { DASHBOARD_CSP, DASHBOARD_HTML } from 'virtual:dashboard';
import { installMetricsCommands, METRICS_PRINT_EVENT } from './metrics-console.ts';
import { metricsHttpHandler, TOKEN_CONVAR, type HttpRequest, type HttpResponse } from './metrics-http.ts';
import { pullDetail } from './metrics-pull.ts';
import { MetricsService } from './metrics-service.ts';

declare const SetHttpHandler: (handler: (req: HttpRequest, res: HttpResponse) => void) => void;
declare const RegisterCommand: (name: string, handler: (source: number, args: string[]) => void, restricted: boolean) => void;
declare const GetConvar: (name: string, fallback: string) => string;
declare const GetGameTimer: () => number;
declare const GetPlayerName: (player: string) => string | null;
declare const GetNumPlayerIndices: () => number;
declare const emit: (event: string, ...args: unknown[]) => void;
declare const emitNet: (event: string, target: number, ...args: unknown[]) => void;

/** Starts the service, the `cbmetrics` commands and `/callback_bridge/*`; returns the service. */
export function installServerMetrics(version: string): MetricsService {
  const service = new MetricsService({
    version,
    pull: () => pullDetail(emit),
    emit: (event, ...args) => emit(event, ...args),
    now: () => GetGameTimer(),
    later: (fn, ms) => void setTimeout(fn, ms),
    players: () => GetNumPlayerIndices(),
    playerName: (id) => GetPlayerName(String(id)) || null,
  });
  installMetricsCommands({
    service,
    register: (name, handler, restricted) => RegisterCommand(name, (source, args) => handler(Number(source), args ?? []), restricted),
    print: (lines) => lines.forEach((line) => console.log(line)),
    printTo: (player, lines) => emitNet(METRICS_PRINT_EVENT, player, lines),
    later: (fn, ms) => void setTimeout(fn, ms),
  });
  SetHttpHandler(metricsHttpHandler({
    service,
    version,
    token: () => GetConvar(TOKEN_CONVAR, ''),
    page: { html: DASHBOARD_HTML, csp: DASHBOARD_CSP },
    now: () => GetGameTimer(),
    log: (message) => console.log(`[callback_bridge] ${message}`),
  }));
  const token = GetConvar(TOKEN_CONVAR, '') !== '';
  console.log(`[callback_bridge] ${version} running; metrics: cbmetrics in this console, /callback_bridge/ on this server's HTTP port (` +
    `${token ? 'loopback, or with the token' : `loopback only: set ${TOKEN_CONVAR} for other addresses`})`);
  return service;
}
