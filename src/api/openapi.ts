import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { registerOpenApi, type RouteSpec } from './routes';
import { z } from './zod';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

/** Extra, non-zod routes (health, metrics, docs) documented by hand. */
function registerOperational(registry: OpenAPIRegistry): void {
  const text = { description: 'Plain text' };
  registry.registerPath({ method: 'get', path: '/healthz', summary: 'The process is up', tags: ['operations'], responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } } });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    summary: 'Temporal and MongoDB reachable, and the read store ready',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready', content: { 'application/json': { schema: z.object({ status: z.string(), temporal: z.string(), mongo: z.string(), readStore: z.enum(['queries', 'memory']).nullable(), caseCopy: z.enum(['loaded', 'loading']).nullable().openapi({ description: "The memory store's copy of the cases: read whole yet or still loading; null with queries" }) }) } } },
      503: { description: "A dependency is down, or the memory store's copy is still loading; see Retry-After" },
    },
  });
  registry.registerPath({ method: 'get', path: '/metrics', summary: 'Prometheus metrics', tags: ['operations'], responses: { 200: text } });
  registry.registerPath({ method: 'get', path: '/openapi.json', summary: 'This document', tags: ['operations'], responses: { 200: { description: 'OpenAPI 3 document' } } });
  registry.registerPath({ method: 'get', path: '/docs', summary: 'Browsable API documentation', tags: ['operations'], responses: { 200: { description: 'HTML' } } });
}

export function buildOpenApiDocument(routes: RouteSpec[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT from `onedoor token`' });
  registerOperational(registry);
  for (const route of routes) registerOpenApi(registry, route);
  const generator = new OpenApiGeneratorV3(registry.definitions);
  return generator.generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'onedoor API',
      version: '1.0.0',
      description: 'One door in, one platform accepts, one stop resolves: complaints become cases that move through intake, risk assessment, escalation, expert consultation, mediation, closure and feedback. Errors are RFC 9457 problem details.',
    },
    servers: [{ url: '/' }],
  });
}

/** A self-contained page (no CDN: the machines may be offline) that renders /openapi.json. */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>onedoor API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:1rem 2rem}main{max-width:1100px;margin:auto;padding:1rem 2rem}
details{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:.4rem 0}summary{cursor:pointer;padding:.5rem .8rem}
.m{display:inline-block;min-width:3.5rem;font-weight:600;text-transform:uppercase;font-size:.8rem;padding:.1rem .4rem;border-radius:3px;color:#fff;text-align:center}
.get{background:#2a9d8f}.post{background:#e76f51}.p{font-family:ui-monospace,monospace;margin-left:.6rem}.s{color:#5c667a;margin-left:.6rem}
pre{background:#0f172a;color:#e2e8f0;padding:.8rem;border-radius:4px;overflow:auto;font-size:12px;margin:.4rem .8rem .8rem}
h2{margin-top:1.5rem;text-transform:capitalize}.lock{color:#b5651d;font-size:.8rem;margin-left:.4rem}
</style></head><body><header><h1 id="t">onedoor API</h1><div id="d"></div><a style="color:#cde" href="/openapi.json">openapi.json</a></header>
<main id="app">Loading…</main>
<script>
fetch('/openapi.json').then(function(r){return r.json()}).then(function(doc){
  var esc=function(s){return String(s).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]})};
  document.getElementById('t').textContent=doc.info.title+' '+doc.info.version;
  document.getElementById('d').textContent=doc.info.description||'';
  var byTag={};
  Object.keys(doc.paths).forEach(function(path){Object.keys(doc.paths[path]).forEach(function(method){
    var op=doc.paths[path][method];var tag=(op.tags&&op.tags[0])||'other';(byTag[tag]=byTag[tag]||[]).push({path:path,method:method,op:op});});});
  var html='';
  Object.keys(byTag).forEach(function(tag){html+='<h2>'+esc(tag)+'</h2>';byTag[tag].forEach(function(e){
    var secured=e.op.security&&e.op.security.length&&Object.keys(e.op.security[0]).length;
    html+='<details><summary><span class="m '+e.method+'">'+e.method+'</span><span class="p">'+esc(e.path)+'</span><span class="s">'+esc(e.op.summary||'')+'</span>'+(secured?'<span class="lock">bearer</span>':'')+'</summary>';
    if(e.op.parameters&&e.op.parameters.length)html+='<pre>parameters: '+esc(JSON.stringify(e.op.parameters,null,2))+'</pre>';
    if(e.op.requestBody)html+='<pre>body: '+esc(JSON.stringify(e.op.requestBody.content,null,2))+'</pre>';
    html+='<pre>responses: '+esc(JSON.stringify(e.op.responses,null,2))+'</pre></details>';});});
  html+='<h2>schemas</h2><pre>'+esc(JSON.stringify((doc.components||{}).schemas,null,2))+'</pre>';
  document.getElementById('app').innerHTML=html;
}).catch(function(e){document.getElementById('app').textContent='Could not load /openapi.json: '+e});
</script></body></html>`;
