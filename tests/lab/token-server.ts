import { createSign, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny distribution token server: GET /token?service=…&scope=… with Basic credentials answers
 * {"token": <JWT>} signed RS256 with the key whose certificate the registry trusts (x5c header).
 * It grants what the scope asks. `requests` lists the scopes asked, for the tests.
 */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  requests: string[];
  stop(): Promise<void>;
}

export async function startTokenServer(options: {
  cert: string;
  key: string;
  user: string;
  password: string;
}): Promise<TokenServer> {
  const service = "k0lab-registry";
  const issuer = "k0lab-token-issuer";
  const x5c = [new X509Certificate(options.cert).raw.toString("base64")];
  const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString("base64")}`;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token.invalid");
    const scopes = url.searchParams
      .getAll("scope")
      .flatMap((s) => s.split(" "))
      .filter(Boolean);
    requests.push(scopes.join(" "));
    if (req.headers.authorization !== expected) {
      res
        .writeHead(401, { "content-type": "application/json" })
        .end('{"details":"bad credentials"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.map((scope) => {
      const [type = "", ...rest] = scope.split(":");
      const actions = rest.pop() ?? "";
      return { type, name: rest.join(":"), actions: actions.split(",") };
    });
    const claims = {
      iss: issuer,
      sub: options.user,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: `${now}-${requests.length}`,
      access,
    };
    const header = { alg: "RS256", typ: "JWT", x5c };
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = createSign("RSA-SHA256")
      .update(signingInput)
      .sign(options.key)
      .toString("base64url");
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token: `${signingInput}.${signature}` }));
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
