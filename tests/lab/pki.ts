import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./proc";

/** A test CA and a server certificate it signed, made with openssl (files in `dir`). */
export interface TestPki {
  caCertFile: string;
  caCert: string;
  certFile: string;
  keyFile: string;
}

/** A CA of its own and a certificate for `ip` (SAN IP) signed by it. */
export async function makeServerPki(dir: string, ip = "127.0.0.1"): Promise<TestPki> {
  const f = (name: string) => join(dir, name);
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=k0lab test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await run("openssl", [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    f("server.key"),
    "-out",
    f("server.csr"),
    "-subj",
    `/CN=${ip}`,
  ]);
  writeFileSync(f("server.ext"), `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\n`);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.crt"),
    "-days",
    "2",
    "-extfile",
    f("server.ext"),
  ]);
  return {
    caCertFile: f("ca.crt"),
    caCert: readFileSync(f("ca.crt"), "utf8"),
    certFile: f("server.crt"),
    keyFile: f("server.key"),
  };
}

/** A self-signed RSA key and certificate to sign registry tokens (the registry trusts the cert). */
export async function makeSigningKey(
  dir: string,
): Promise<{ certFile: string; cert: string; key: string }> {
  const certFile = join(dir, "token.crt");
  const keyFile = join(dir, "token.key");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    "/CN=k0lab token issuer",
  ]);
  return { certFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

/** An htpasswd file line (bcrypt, as docker-registry requires), from apache2-utils' htpasswd. */
export async function htpasswdLine(user: string, password: string): Promise<string> {
  return (await run("htpasswd", ["-Bbn", user, password])).trim();
}
