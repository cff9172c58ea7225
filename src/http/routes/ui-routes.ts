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

/** Serves the upload page at `/` and its assets (app.js, style.css); mounted by the app before the API routes. */
export function createUiRouter(): Router {
  const router = Router();
  router.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
    }
    next();
  });
  // no-cache (revalidate) rather than a max-age: the page and its script must change together after an upgrade.
  router.use(express.static(UI_PUBLIC_DIR, { index: 'index.html', redirect: false, cacheControl: true, maxAge: 0 }));
  return router;
}
