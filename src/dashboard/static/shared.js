// What the dashboard's modules (app.js, humans.js, plans.js) share: the API base, the session token app.js keeps
// (sessionStorage, this tab only), the poll period, and the DOM helpers. textContent only: nothing from the
// server is ever parsed as HTML.
export const API = '/api/v1';
export const TOKEN_KEY = 'sentinelops.token';
export const POLL_MS = 5000;

export const $ = (id) => document.getElementById(id);

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('data-')) el.setAttribute(k, v);
    else el[k] = v;
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** The Authorization header for the token typed in this tab (read at each call: it may be typed later). */
export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY) || '';
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** A JSON request; never throws on an HTTP error: `ok`, `status` and the parsed body (or {}) come back. */
export async function send(method, path, body) {
  const res = await fetch(`${API}${path}`, { method, headers: { 'content-type': 'application/json', ...authHeaders() }, body: JSON.stringify(body) });
  return { ok: res.ok, status: res.status, json: await res.json().catch(() => ({})) };
}

/** A GET that must succeed: throws `<path>: HTTP <status>` otherwise. */
export async function get(path) {
  const res = await fetch(`${API}${path}`, { headers: authHeaders() });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}
