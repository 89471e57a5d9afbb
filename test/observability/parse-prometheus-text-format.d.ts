/** The test-only parser of the Prometheus text format (npm parse-prometheus-text-format ships no types). */
declare module 'parse-prometheus-text-format' {
  /** Metric families: `{ name, help, type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | ..., metrics: [{ labels, value, ... }] }`. */
  export default function parsePrometheusTextFormat(text: string): any[];
}
