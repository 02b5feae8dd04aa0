/**
 * The dashboard's static files (HTML, CSS, JS, no build step) and uPlot's dist files from node_modules,
 * read once at start and served from memory with a strict Content-Security-Policy: everything is
 * same-origin, no CDN, no inline script.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Context, Hono } from 'hono';

export const ASSET_PREFIX = '/dashboard/assets/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
}

/**
 * static/ sits beside this module when run from source (tsx); a compiled build in dist/ has no copy of
 * non-TypeScript files, so it falls back to the package's src/dashboard/static.
 */
export function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'static'), join(here, '..', '..', '..', 'src', 'dashboard', 'static')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`dashboard files not found (looked in ${candidates.join(', ')})`);
  return found;
}

function uplotFiles(): Record<string, string> {
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  return { 'uplot.js': join(dist, 'uPlot.iife.min.js'), 'uplot.css': join(dist, 'uPlot.min.css') };
}

export function loadAssets(dir = staticDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  for (const [name, path] of Object.entries(uplotFiles())) assets.set(name, { type: TYPES[extname(name)]!, body: readFileSync(path) });
  return assets;
}

/** Pages at fixed paths; everything else under ASSET_PREFIX by file name. */
const PAGES: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/docs': 'docs.html', '/docs/': 'docs.html' };

export function isDashboardPath(pathname: string): boolean {
  return pathname in PAGES || pathname.startsWith(ASSET_PREFIX);
}

/** The pages and assets as a hono app: GET (and HEAD) only, from memory, with the headers above. */
export function dashboardRoutes(assets = loadAssets()): Hono {
  const app = new Hono({ strict: false });
  const serve = (c: Context, name: string) => {
    const asset = assets.get(name);
    if (!asset) return c.text(`no dashboard file ${name}\n`, 404);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.text('method not allowed\n', 405, { Allow: 'GET, HEAD' });
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.type,
      'Content-Length': String(asset.body.length),
      'Cache-Control': asset.type.startsWith('text/html') ? 'no-store' : 'public, max-age=300',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  };
  for (const [path, name] of Object.entries(PAGES)) app.all(path, (c) => serve(c, name));
  app.all(`${ASSET_PREFIX}*`, (c) => serve(c, c.req.path.slice(ASSET_PREFIX.length)));
  return app;
}
