/**
 * CPU profiles of the measured windows only (not the worlds' set-up): with `CBB_BENCH_PROFILE=<dir>` set, each
 * steady round writes `<dir>/<case>-<n>.cpuprofile` (V8's format; `npx tsx bench/profile.ts <file>` lists the top
 * frames, Chrome DevTools opens it).
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.CBB_BENCH_PROFILE;
let session: inspector.Session | undefined;
let count = 0;

function post(method: string, params?: object): Promise<any> {
  return new Promise((resolve, reject) => session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
}

/** Starts profiling when asked to (no-op otherwise). */
export async function startProfile(): Promise<void> {
  if (!dir) return;
  if (!session) {
    session = new inspector.Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
  }
  await post('Profiler.start');
}

/** Stops profiling and writes the profile of `name`'s window. */
export async function stopProfile(name: string): Promise<void> {
  if (!dir || !session) return;
  const { profile } = await post('Profiler.stop');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}-${++count}.cpuprofile`), JSON.stringify(profile));
}
