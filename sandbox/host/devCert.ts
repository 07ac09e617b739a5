// Creates (once) a self-signed TLS certificate for 127.0.0.1/localhost that the local simulators serve HTTPS with.
import forge from "node-forge";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DevCert {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const DEFAULT_DIR = join(tmpdir(), "coins-outlook-dev-cert");

/** Returns the loopback certificate, generating it when missing or expiring within a day. Synchronous on purpose:
 * NODE_EXTRA_CA_CERTS is read at process start, so it must be known before test workers are spawned. */
export function ensureDevCert(dir: string = process.env.DEV_CERT_DIR ?? DEFAULT_DIR): DevCert {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, "utf8");
    const parsed = forge.pki.certificateFromPem(cert);
    if (parsed.validity.notAfter.getTime() - Date.now() > 86_400_000) {
      return { certPath, keyPath, cert, key: readFileSync(keyPath, "utf8") };
    }
  }
  mkdirSync(dir, { recursive: true });
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = "01" + forge.util.bytesToHex(forge.random.getBytesSync(8));
  c.validity.notBefore = new Date(Date.now() - 86_400_000);
  c.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [{ name: "commonName", value: "coins-outlook local simulator" }];
  c.setSubject(attrs);
  c.setIssuer(attrs);
  c.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  const cert = forge.pki.certificateToPem(c);
  const key = forge.pki.privateKeyToPem(keys.privateKey);
  writeFileSync(keyPath, key, { mode: 0o600 });
  writeFileSync(certPath, cert);
  return { certPath, keyPath, cert, key };
}
