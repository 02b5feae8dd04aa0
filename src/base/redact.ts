/**
 * Secrets that ride inside URLs (kubeconfig `https://user:password@host`, a Prometheus
 * `?access_token=...`) must not reach tool output, error messages or logs. One helper, used wherever a
 * configured URL is shown.
 */

const MASK = '***';
/** a URL inside free text: scheme, then everything up to whitespace or a quote */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** The URL with its user info and every query-string value replaced by ***; the host and path stay readable. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not parseable: still cut anything that looks like user info or a query string.
    return url.replace(/[^\s/@]+@/g, `${MASK}@`).replace(/\?.*$/, `?${MASK}`);
  }
  if (!parsed.username && !parsed.password && !parsed.search && !parsed.hash) return url;
  if (parsed.username || parsed.password) {
    parsed.username = MASK;
    parsed.password = '';
  }
  const keys = [...new Set(parsed.searchParams.keys())];
  if (keys.length) parsed.search = keys.map((k) => `${encodeURIComponent(k)}=${MASK}`).join('&');
  if (parsed.hash) parsed.hash = '';
  return parsed.toString();
}

/** Every URL found in `text` redacted as by redactUrl (for error messages that quote a request URL). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (u) => redactUrl(u));
}

/** At most `max` characters of `text`, saying how much was cut, so an answer never echoes a huge input back. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
