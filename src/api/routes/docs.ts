/**
 * The API describing itself, without a key: `GET /openapi.json` (the generated OpenAPI document) and Swagger UI at
 * `GET /docs`, with its static files under `/docs/` (from the swagger-ui-dist package, no CDN).
 */
import { Router } from 'express';
import { HttpError } from '../errors';
import { openApiDocument } from '../openapi/document';
import { SWAGGER_UI_ASSETS, SWAGGER_UI_CSP, SWAGGER_UI_PAGE } from '../openapi/swagger-ui';

export function docsRouter(): Router {
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  router.get('/docs', (_req, res) => {
    // helmet's API-wide policy is replaced here by the page's own, which allows exactly what Swagger UI needs.
    res.setHeader('content-security-policy', SWAGGER_UI_CSP);
    res.type('html').send(SWAGGER_UI_PAGE);
  });

  router.get('/docs/:asset', (req, res, next) => {
    const asset = Object.hasOwn(SWAGGER_UI_ASSETS, req.params.asset)
      ? SWAGGER_UI_ASSETS[req.params.asset]
      : undefined;
    if (!asset) {
      next(new HttpError(404, 'not_found', `No Swagger UI file ${req.params.asset}`));
      return;
    }
    if ('body' in asset) {
      res.setHeader('cache-control', 'public, max-age=3600');
      res.type(asset.contentType).send(asset.body);
      return;
    }
    res.sendFile(asset.file, { maxAge: '1h', headers: { 'content-type': asset.contentType } }, (error) => {
      // An aborted download has nothing left to answer.
      if (error && !res.headersSent) next(error);
    });
  });

  return router;
}
