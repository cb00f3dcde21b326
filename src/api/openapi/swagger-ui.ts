/**
 * Swagger UI, self-hosted: the page, its start-up script and the static files of the swagger-ui-dist package, all
 * served by the API (no CDN). The page has no inline script or style, so its Content-Security-Policy allows only
 * files from this origin, plus `data:` images (Swagger UI's icons are data: URIs in its stylesheet).
 */
import path from 'node:path';

const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** A file of swagger-ui-dist, or a body of our own. */
export type SwaggerUiAsset = { contentType: string } & ({ file: string } | { body: string });

/** The start-up script: a file, not an inline script, so the page's CSP needs no 'unsafe-inline'. */
const INIT_SCRIPT = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // Never send the document to the public validator service: this machine may have no internet, and the
    // document is ours to keep.
    validatorUrl: null,
    displayRequestDuration: true,
  });
});
`;

/** The files under /docs/, by name. */
export const SWAGGER_UI_ASSETS: Readonly<Record<string, SwaggerUiAsset>> = {
  'swagger-ui.css': { contentType: 'text/css', file: path.join(DIST, 'swagger-ui.css') },
  'index.css': { contentType: 'text/css', file: path.join(DIST, 'index.css') },
  'swagger-ui-bundle.js': { contentType: 'text/javascript', file: path.join(DIST, 'swagger-ui-bundle.js') },
  'favicon-32x32.png': { contentType: 'image/png', file: path.join(DIST, 'favicon-32x32.png') },
  'favicon-16x16.png': { contentType: 'image/png', file: path.join(DIST, 'favicon-16x16.png') },
  'tradeflow-init.js': { contentType: 'text/javascript', body: INIT_SCRIPT },
};

export const SWAGGER_UI_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Tradeflow API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/tradeflow-init.js"></script>
  </body>
</html>
`;

/**
 * The page's Content-Security-Policy: scripts, styles and fonts from this origin only; images from this origin and
 * data: URIs; fetches (the document, "Try it out") to this origin only; no frames, plugins, forms or <base>.
 */
export const SWAGGER_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');
