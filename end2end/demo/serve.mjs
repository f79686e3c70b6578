// The demonstration "council" site for the embedding tests: a privacy notice page with the
// widget's snippet, served from origins other than the widget's own. The widget's address is
// put into the page from INTAKE_BASE.
//
//   INTAKE_BASE=http://127.0.0.1:3107 DEMO_PORTS=3108,3109 node end2end/demo/serve.mjs
import * as http from "node:http";
import * as fs from "node:fs";
import * as path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const intake = process.env.INTAKE_BASE ?? "http://127.0.0.1:3000";
const ports = (process.env.DEMO_PORTS ?? "3108").split(",").map(Number);
const page = fs.readFileSync(path.join(here, "privacy-notice.html"), "utf8").replaceAll("{{INTAKE}}", intake);

for (const port of ports) {
  http
    .createServer((req, res) => {
      if (req.url === "/" || req.url.startsWith("/?") || req.url === "/privacy-notice") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(page);
      } else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }
    })
    .listen(port, "localhost");
}
console.log(`demo council site on ${ports.map((p) => `http://localhost:${p}`).join(", ")}`);
