import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** The folder of the upload page: plain files, no build step. */
export const UI_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * Only scripts and styles of our own origin: the page shows server messages and file names, so an injected
 * script must have nowhere to come from. Downloads use blob: URLs when a token is needed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of the upload page's own files, exported for the tests that check them. */
export const UI_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Serves the upload page at `/` and its assets (app.js, style.css). The policy is set only on the files this
 * router serves: set on every GET, it reached Bull Board and blocked its `<base href>`, inline styles and fonts.
 */
export function createUiRouter(): Router {
  const router = Router();
  // no-cache (revalidate) rather than a max-age: the page and its script must change together after an upgrade.
  router.use(
    express.static(UI_PUBLIC_DIR, {
      index: 'index.html',
      redirect: false,
      cacheControl: true,
      maxAge: 0,
      setHeaders: (res) => {
        for (const [name, value] of Object.entries(UI_HEADERS)) res.setHeader(name, value);
      },
    }),
  );
  return router;
}
