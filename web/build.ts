/**
 * Builds the web UI (web/src → web/dist) with esbuild: one JS and one CSS file,
 * named by content hash, and index.html pointing at them. `--if-stale` (what
 * `npm start` and `npm test` run first) builds only when web/dist is missing or
 * older than any source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export const WEB_ROOT = __dirname;
export const DIST = path.join(WEB_ROOT, 'dist');
const STAMP = path.join(DIST, '.built');
const SOURCES = [path.join(WEB_ROOT, 'src'), path.join(WEB_ROOT, 'index.html'), __filename];

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

export function isStale(): boolean {
  if (!fs.existsSync(STAMP) || !fs.existsSync(path.join(DIST, 'index.html'))) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built);
}

/** Writes a file by rename, so a server reading web/dist never sees half a file. */
function writeAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

export async function buildWeb(): Promise<{ js: string; css: string; bytes: number }> {
  const result = await build({
    entryPoints: [path.join(WEB_ROOT, 'src', 'main.tsx')],
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    target: ['es2020', 'chrome100', 'safari15', 'firefox100'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir: DIST,
    write: false,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    // The map's stylesheets (Leaflet, marker clustering) name a few small images: inline them.
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
  });
  fs.mkdirSync(DIST, { recursive: true });
  let js = '';
  let css = '';
  let bytes = 0;
  for (const file of result.outputFiles) {
    writeAtomic(file.path, file.contents);
    bytes += file.contents.length;
    if (file.path.endsWith('.js')) js = path.basename(file.path);
    if (file.path.endsWith('.css')) css = path.basename(file.path);
  }
  const template = fs.readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');
  const html = template
    .replace('<!--css-->', css ? `<link rel="stylesheet" href="/${css}">` : '')
    .replace('<!--js-->', `<script type="module" src="/${js}"></script>`);
  writeAtomic(path.join(DIST, 'index.html'), html);
  // Old hashed files from earlier builds are left alone: a page already open may still load them.
  writeAtomic(STAMP, new Date().toISOString());
  return { js, css, bytes };
}

export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (!isStale()) return false;
  const out = await buildWeb();
  log(`web UI built: web/dist/${out.js}, ${out.css} (${Math.round(out.bytes / 1024)} kB)`);
  return true;
}

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  (ifStale ? ensureWebBuilt((line) => console.log(line)) : buildWeb().then((out) => console.log(`web UI built: ${out.js}, ${out.css} (${Math.round(out.bytes / 1024)} kB)`)))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
