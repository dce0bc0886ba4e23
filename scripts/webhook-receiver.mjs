// A webhook receiver for trying outbound webhooks locally: prints every delivery and whether its
// Standard Webhooks signature verifies. `npm run webhook-receiver -- [port]` (default 9000), with the
// endpoint's secret in WEBHOOK_SECRET. Paths under /fail answer 500, to watch retries.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const port = Number(process.argv[2] ?? 9000);
const secret = process.env.WEBHOOK_SECRET;
const verifier = secret ? new Webhook(secret.replace(/^whsec_/, "")) : null;

createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    let verified = "no WEBHOOK_SECRET set";
    if (verifier) {
      try {
        verifier.verify(body, req.headers);
        verified = "signature verified";
      } catch (error) {
        verified = `SIGNATURE REJECTED: ${error.message}`;
      }
    }
    const failing = req.url?.startsWith("/fail");
    let type = "?";
    try {
      type = JSON.parse(body).type;
    } catch {}
    console.log(
      `${new Date().toISOString()} ${req.method} ${req.url} ${type} id=${req.headers["webhook-id"]} ${verified} -> ${failing ? 500 : 200}`,
    );
    res.writeHead(failing ? 500 : 200, { "content-type": "text/plain" }).end(failing ? "failing on purpose" : "ok");
  });
}).listen(port, "127.0.0.1", () => console.log(`webhook receiver on http://127.0.0.1:${port}`));
