import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler } from 'express';

/**
 * The web UI: built assets from web/dist at `/`, and index.html for any other page
 * path the browser asks for (the UI routes on the client). API, Open311, docs and
 * operational paths are never answered here, so their 404s stay problem details.
 * One plain middleware (no routes), so the OpenAPI contract lists API routes only.
 */
export const WEB_DIST = path.resolve(__dirname, '../../web/dist');
const RESERVED = /^\/(api|open311|openapi\.json|docs|healthz|readyz|metrics)(\/|$)/;

export function serveWeb(dist = WEB_DIST): RequestHandler {
  const assets = express.static(dist, {
    index: false,
    fallthrough: true,
    dotfiles: 'ignore',
    // Asset names carry a content hash; index.html does not, so it is always revalidated.
    setHeaders: (res, file) => res.setHeader('Cache-Control', path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  const indexFile = path.join(dist, 'index.html');
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || RESERVED.test(req.path)) {
      next();
      return;
    }
    assets(req, res, () => {
      // A missing file (anything with an extension) is a 404 problem; a page path gets the app.
      if (path.extname(req.path) !== '') {
        next();
        return;
      }
      if (!fs.existsSync(indexFile)) {
        res.status(503).type('text/plain').send('The web UI is not built yet: run "npm run build:web" (npm start and npm test build it for you).\n');
        return;
      }
      res.set('Cache-Control', 'no-cache').sendFile(indexFile);
    });
  };
}
