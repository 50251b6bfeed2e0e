// Serves a built UI (a `dist` folder) and passes /api/, /media/ and the sign-in link through to a
// running `atelier serve`: two UIs measured against one server, library and moment
// (`scripts/bench.sh ui-ab REV`). Usage: node ui-proxy.mjs PORT DIST UPSTREAM_ORIGIN
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [, , port, dist, upstream] = process.argv;
const up = new URL(upstream);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' };

http
  .createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname.startsWith('/api/') || u.pathname.startsWith('/media/') || u.searchParams.has('token')) {
      // The server checks Host and Origin: they are rewritten to its own.
      const headers = { ...req.headers, host: up.host, ...(req.headers.origin ? { origin: up.origin } : {}) };
      const pass = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers, agent }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      pass.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      req.pipe(pass);
      return;
    }
    let file = path.join(dist, u.pathname);
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(dist, 'index.html');
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': u.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-length': body.length,
    });
    res.end(body);
  })
  .listen(Number(port), '127.0.0.1', () => console.log(`ui-proxy on ${port}: ${dist}`));
