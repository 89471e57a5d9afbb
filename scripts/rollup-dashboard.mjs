// Rollup plugin: `import { DASHBOARD_HTML, DASHBOARD_CSP } from 'virtual:dashboard'` gives the dashboard page
// (src/dashboard/) as one string, its script bundled by esbuild and inlined with its style, and a
// Content-Security-Policy that allows exactly that script and style (by their sha256) and requests to its own origin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ID = 'virtual:dashboard';
const dir = path.resolve('src/dashboard');

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function dashboard() {
  return {
    name: 'callback-bridge-dashboard',
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    async load(id) {
      if (id !== `\0${ID}`) return null;
      const result = await build({
        entryPoints: [path.join(dir, 'app.ts')], bundle: true, write: false, format: 'iife', target: 'es2020', minify: true,
        legalComments: 'none', metafile: true,
      });
      for (const input of Object.keys(result.metafile.inputs)) this.addWatchFile(path.resolve(input));
      const script = result.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
      const style = readFileSync(path.join(dir, 'style.css'), 'utf8');
      const template = readFileSync(path.join(dir, 'index.html'), 'utf8');
      this.addWatchFile(path.join(dir, 'style.css'));
      this.addWatchFile(path.join(dir, 'index.html'));
      const html = template.replace('<!--STYLE-->', () => `<style>${style}</style>`).replace('<!--SCRIPT-->', () => `<script>${script}</script>`);
      const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(style)}; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
      return `export const DASHBOARD_HTML = ${JSON.stringify(html)};\nexport const DASHBOARD_CSP = ${JSON.stringify(csp)};\n`;
    },
  };
}
