/**
 * A certificate authority and a server certificate for 127.0.0.1 and localhost, made fresh for each test
 * run with the openssl CLI (Node can make keys but not sign certificates). workerd trusts the CA only
 * through NODE_EXTRA_CA_CERTS in the environment of the process that starts it: vitest.config.ts makes
 * them as it loads (before the pool starts workerd) and names the folder in SMTP_PEER_TLS_DIR, where the
 * global setup reads the server's key and certificate.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  dir: string;
  /** PEM of the CA, the file NODE_EXTRA_CA_CERTS names. */
  caFile: string;
  key: string;
  cert: string;
}

/** The certificates made in `dir` by makeTestCertificates (SMTP_PEER_TLS_DIR). */
export function readTestCertificates(dir: string): TestCertificates {
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    key: readFileSync(join(dir, "server.key"), "utf8"),
    cert: readFileSync(join(dir, "server.pem"), "utf8"),
  };
}

export function removeTestCertificates(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const reason = (error as { code?: string }).code === "ENOENT" ? "openssl is not installed" : String(error);
    throw new Error(`making the SMTP peer's test certificates failed (openssl ${args[0]}): ${reason}`);
  }
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "smtp-peer-ca-"));
  const days = ["-days", "2"];
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      ...days,
      "-subj",
      "/CN=Commerce Platform Test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
    dir,
  );
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      ...days,
      "-extfile",
      "server.ext",
    ],
    dir,
  );
  return readTestCertificates(dir);
}
