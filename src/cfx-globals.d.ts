// Minimal ambient declarations until the @citizenfx typings are wired per side.
declare function exports(name: string, fn: (...args: any[]) => unknown): void;
