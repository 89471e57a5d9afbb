// The CitizenFX JS globals the bridge resource's entries use (shared by the server and client bundles).
declare function exports(name: string, fn: (...args: any[]) => unknown): void;
declare function emitNet(eventName: string, ...args: any[]): void;
declare function emit(eventName: string, ...args: any[]): void;
declare function onNet(eventName: string, fn: (...args: any[]) => void): void;
declare function on(eventName: string, fn: (...args: any[]) => void): void;
declare var source: unknown;
