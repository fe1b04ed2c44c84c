// Codify from a browser: gRPC-Web with @connectrpc/connect-web, to the HTTP port
// (--http-listen, default :8080), not the gRPC port. The same code runs in Node 20+
// (global fetch), which is how CI runs it:
//   npm run example:web -- "heart attack"     (CODIFY_HTTP_ADDR=host:port, default 127.0.0.1:8080)
//
// A page served from another origin must be allowed by the server:
//   codify --cors-allow-origin https://coder.example.org   (or CODIFY_CORS_ALLOW_ORIGINS)
// Codify's own page (http://<http port>/) is same-origin and needs nothing.
//
// Only gen/ and the Connect packages are imported: src/index.ts is the Node client
// (@connectrpc/connect-node), which a browser bundle does not want.
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { CodeService, CodeSystem } from "../gen/codify/v1/codify_pb.js";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb.js";

/** A CodeService client over gRPC-Web (binary protobuf, HTTP/1.1 or 2, fetch). */
export function createCodifyWebClient(baseUrl: string): Client<typeof CodeService> {
  return createClient(CodeService, createGrpcWebTransport({ baseUrl, useBinaryFormat: true }));
}

/** Searches, then opens the best match: what the coder's page does as you type. */
export async function searchAndOpen(client: Client<typeof CodeService>, query: string): Promise<string[]> {
  const lines: string[] = [];
  const found = await client.searchCodes(
    { query, systems: [CodeSystem.ICD10CM], pageSize: 5 },
    { timeoutMs: 5_000 },
  );
  lines.push(`${found.totalSize} results as of ${found.asOf} (gRPC-Web)`);
  for (const result of found.results) {
    lines.push(`  ${result.code?.code.padEnd(8)} ${result.code?.title}`);
  }
  const best = found.results[0]?.code;
  if (best !== undefined) {
    const { code } = await client.getCode({ system: best.system, code: best.code }, { timeoutMs: 5_000 });
    const history = code?.history.map((event) => event.releaseVersion).join(", ") || "none";
    lines.push(`${best.code}: release ${code?.release?.version}, history: ${history}`);
  }
  // Errors carry their status and google.rpc.BadRequest details through gRPC-Web too
  // (the server exposes grpc-status, grpc-message and grpc-status-details-bin to browsers).
  try {
    await client.searchCodes({ query: "" });
  } catch (error) {
    const failure = ConnectError.from(error);
    const fields = failure.findDetails(BadRequestSchema).flatMap((detail) => detail.fieldViolations);
    lines.push(
      `empty query: ${Code[failure.code]} (${fields.map((v) => `${v.field}: ${v.description}`).join("; ")})`,
    );
  }
  return lines;
}

if (typeof process !== "undefined" && process.argv[1]?.endsWith("grpc-web.js")) {
  const addr = process.env.CODIFY_HTTP_ADDR ?? "127.0.0.1:8080";
  const client = createCodifyWebClient(/^https?:\/\//.test(addr) ? addr : `http://${addr}`);
  for (const line of await searchAndOpen(client, process.argv[2] ?? "heart attack")) {
    console.log(line);
  }
}
