// Codify client for TypeScript/Node: the generated API (gen/, from proto/ by protoc-gen-es)
// and a few helpers to call it over gRPC with Connect.
import { createClient, ConnectError, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CodeService } from "../gen/codify/v1/codify_pb.js";
import { BadRequestSchema, type BadRequest } from "../gen/google/rpc/error_details_pb.js";

export * from "../gen/codify/v1/codify_pb.js";
export { BadRequestSchema, type BadRequest } from "../gen/google/rpc/error_details_pb.js";

/** Where Codify listens when neither an address nor CODIFY_ADDR is given. */
export const DEFAULT_ADDR = "127.0.0.1:50051";

/** A client of codify.v1.CodeService. */
export type CodeServiceClient = Client<typeof CodeService>;

/**
 * The base URL of a Codify server: `addr` ("host:port" or "http://host:port"), else the
 * CODIFY_ADDR environment variable, else 127.0.0.1:50051.
 */
export function codifyBaseUrl(addr?: string): string {
  const chosen = addr ?? process.env.CODIFY_ADDR ?? DEFAULT_ADDR;
  return /^https?:\/\//.test(chosen) ? chosen : `http://${chosen}`;
}

/**
 * A CodeService client speaking gRPC (always HTTP/2 in Connect v2; cleartext for http://
 * addresses). Calls share one HTTP/2 connection, closed after 15 idle minutes.
 */
export function createCodifyClient(
  addr?: string,
  options: { interceptors?: Interceptor[] } = {},
): CodeServiceClient {
  const transport = createGrpcTransport({ baseUrl: codifyBaseUrl(addr), interceptors: options.interceptors });
  return createClient(CodeService, transport);
}

/**
 * The google.rpc.BadRequest detail of a failed call (INVALID_ARGUMENT), naming each
 * offending field; undefined when the error carries none.
 */
export function badRequest(error: unknown): BadRequest | undefined {
  return ConnectError.from(error).findDetails(BadRequestSchema)[0];
}
