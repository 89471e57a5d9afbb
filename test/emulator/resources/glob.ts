/**
 * File patterns of fxmanifest script and file entries (ref §6: `client_script`, `server_script`, `shared_script` and
 * `file` are glob-capable, e.g. `dist/**\/*.js`). Our own small matcher over the real file system; no dependency.
 *
 * Rules, one path segment at a time:
 * - `*` matches any run of characters inside one segment, `?` exactly one character;
 * - a segment that starts with `**` also crosses directories: `**` alone matches zero or more directories, and
 *   `**x` matches `*x` at any depth (so `dist/**\/*.js` also finds `dist/a.js`); a trailing `**` means every file
 *   below;
 * - every other character is literal (brackets included, as FiveM escapes them);
 * - only files are returned, never directories; a plain path with no wildcard yields itself if that file exists and
 *   nothing otherwise (FiveM skips a missing entry with a warning instead of failing the start).
 *
 * The results of one pattern are deduplicated and sorted by path, the way FiveM gathers one entry's matches into a
 * sorted set before handing them out.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

/** Deepest directory nesting a `**` segment follows (guards against symlink loops). */
const MAX_DEPTH = 48;

/** True when `pattern` contains a wildcard (`*` or `?`). */
export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * Normalizes a manifest path: backslashes become slashes, `.` segments and doubled slashes go, `a/../b` collapses.
 * Returns '' for an empty or root-only value.
 */
export function normalizeEntry(value: string): string {
  const forward = value.replace(/\\/g, '/');
  if (forward.trim() === '') return '';
  const norm = posix.normalize(forward).replace(/^\/+/, '').replace(/\/+$/, '');
  return norm === '.' ? '' : norm;
}

/** Compiles one path segment (no slash) into an anchored regular expression. */
export function segmentRegExp(segment: string): RegExp {
  let source = '';
  for (const ch of segment) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when `relPath` ('/'-separated) matches `pattern` under the rules above. Pure string test, no disk access. */
export function matchPath(pattern: string, relPath: string): boolean {
  return matchSegments(patternSegments(normalizeEntry(pattern)), splitPath(relPath), 0, 0);
}

function splitPath(p: string): string[] {
  return p === '' ? [] : p.split('/');
}

/** Pattern segments; a trailing bare `**` means "every file below", i.e. `**` followed by `*`. */
function patternSegments(norm: string): string[] {
  const segs = splitPath(norm);
  if (segs[segs.length - 1] === '**') segs.push('*');
  return segs;
}

function matchSegments(pat: string[], path: string[], pi: number, si: number): boolean {
  if (pi === pat.length) return si === path.length;
  const seg = pat[pi];
  if (seg.startsWith('**')) {
    const rest = seg.slice(2);
    // Zero directories: `**` disappears, `**x` acts as `*x` in this position.
    if (rest === '' ? matchSegments(pat, path, pi + 1, si) : matchSegments([...pat.slice(0, pi), `*${rest}`, ...pat.slice(pi + 1)], path, pi, si)) {
      return true;
    }
    // One more directory swallowed by the `**` (only a directory: something must follow it).
    return si < path.length - 1 && matchSegments(pat, path, pi, si + 1);
  }
  if (si >= path.length || !segmentRegExp(seg).test(path[si])) return false;
  return matchSegments(pat, path, pi + 1, si + 1);
}

interface Entry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

/** The entries of a directory with symlinks followed, sorted by name; [] when it cannot be read. */
function listDir(dir: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const name of names.sort(byPath)) {
    try {
      const st = statSync(join(dir, name));
      out.push({ name, isDir: st.isDirectory(), isFile: st.isFile() });
    } catch {
      // A dangling symlink or a file removed meanwhile: not matchable.
    }
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Byte-wise-like ordering of '/'-separated paths (deterministic, locale-free). */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Expands one manifest pattern against the folder `root`.
 * @returns the matching files as '/'-separated paths relative to `root`, deduplicated and sorted.
 */
export function expandPattern(root: string, pattern: string): string[] {
  const norm = normalizeEntry(pattern);
  if (norm === '') return [];
  if (!hasGlob(norm)) return isFile(join(root, norm)) ? [norm] : [];
  const found = new Set<string>();
  walk(root, '', patternSegments(norm), found, 0);
  return [...found].sort(byPath);
}

function walk(root: string, rel: string, segs: string[], found: Set<string>, depth: number): void {
  if (segs.length === 0 || depth > MAX_DEPTH) return;
  const [seg, ...rest] = segs;
  const here = rel === '' ? root : join(root, rel);
  const child = (name: string): string => (rel === '' ? name : `${rel}/${name}`);

  if (seg.startsWith('**')) {
    const tail = seg.slice(2);
    // Zero directories, then any number: descend into every subdirectory keeping the `**` segment.
    walk(root, rel, tail === '' ? rest : [`*${tail}`, ...rest], found, depth);
    for (const e of listDir(here)) if (e.isDir) walk(root, child(e.name), segs, found, depth + 1);
    return;
  }
  if (!hasGlob(seg)) {
    const next = child(seg);
    if (rest.length === 0) {
      if (isFile(join(root, next))) found.add(next);
    } else {
      walk(root, next, rest, found, depth + 1);
    }
    return;
  }
  const re = segmentRegExp(seg);
  for (const e of listDir(here)) {
    if (!re.test(e.name)) continue;
    if (rest.length === 0) {
      if (e.isFile) found.add(child(e.name));
    } else if (e.isDir) {
      walk(root, child(e.name), rest, found, depth + 1);
    }
  }
}
