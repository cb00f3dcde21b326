/**
 * The operations dashboard: static files (HTML, CSS, browser ES modules in src/api/dashboard/public) and the uPlot
 * chart library from node_modules. The files are public, so the page loads without a key; every data call the page
 * makes carries the key the user enters (docs/dashboard.md).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** Where the page lives at run time: beside the compiled router (tsx: src/, Docker: dist/, copied by the build). */
export function dashboardPublicDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'dashboard', 'public'),
    // `node dist/api/main.js` in a checkout where tsc ran but nothing copied the page next to its output.
    path.join(__dirname, '..', '..', '..', 'src', 'api', 'dashboard', 'public'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`dashboard files not found; looked in ${candidates.join(', ')}`);
  return found;
}

const UPLOT_DIST = path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
/** The vendored files the page loads, by the name it asks for. */
const VENDOR_FILES = new Map([
  ['uplot.esm.js', path.join(UPLOT_DIST, 'uPlot.esm.js')],
  ['uplot.min.css', path.join(UPLOT_DIST, 'uPlot.min.css')],
]);

export function dashboardRouter(): Router {
  const router = Router();
  const publicDir = dashboardPublicDir();
  router.get('/', (_req, res) => res.redirect(302, '/dashboard/'));
  router.get('/dashboard/vendor/:file', (req, res, next) => {
    const file = VENDOR_FILES.get(req.params.file);
    if (!file) {
      next();
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  // Revalidated on every load (ETag), so a new release's page is never mixed with an old cached module.
  router.use('/dashboard', express.static(publicDir, { index: 'index.html', maxAge: 0, fallthrough: true }));
  return router;
}
