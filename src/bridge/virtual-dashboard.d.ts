/** The dashboard page, inlined by the build (scripts/rollup-dashboard.mjs from src/dashboard/). */
declare module 'virtual:dashboard' {
  /** The whole page: HTML with its script and style inline. */
  export const DASHBOARD_HTML: string;
  /** A Content-Security-Policy allowing exactly that script and style, and requests to the page's own origin. */
  export const DASHBOARD_CSP: string;
}
