// Calls a running Codify (CODIFY_ADDR, default 127.0.0.1:50051): search, get, validate,
// a BadRequest error decoded, and deadlines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  CodeSystem,
  ValidityReason,
  badRequest,
  codifyBaseUrl,
  createCodifyClient,
} from "../src/index.js";

const client = createCodifyClient();
// A date covered by the embedded releases, so answers do not depend on today's date.
const DATE_OF_SERVICE = "2025-11-01";
const TIMEOUT = { timeoutMs: 10_000 };

test("addresses without a scheme get http://", () => {
  assert.equal(codifyBaseUrl("127.0.0.1:1"), "http://127.0.0.1:1");
  assert.equal(codifyBaseUrl("http://codify:50051"), "http://codify:50051");
});

test("search: code-shaped input finds the code first", async () => {
  const response = await client.searchCodes({ query: "E119", asOf: DATE_OF_SERVICE, pageSize: 3 }, TIMEOUT);
  assert.ok(response.results.length > 0);
  assert.equal(response.results[0].code?.code, "E11.9");
  assert.equal(response.results[0].code?.system, CodeSystem.ICD10CM);
  assert.equal(response.asOf, DATE_OF_SERVICE);
});

test("get: the full entry of E11.9", async () => {
  const response = await client.getCode({ code: "E11.9", asOf: DATE_OF_SERVICE }, TIMEOUT);
  assert.equal(response.code?.summary?.title, "Type 2 diabetes mellitus without complications");
  assert.equal(response.code?.summary?.billable, true);
});

test("validate: a header code is not billable", async () => {
  const response = await client.validateCodes(
    { items: [{ system: CodeSystem.ICD10CM, code: "E11", dateOfService: DATE_OF_SERVICE }] },
    TIMEOUT,
  );
  assert.equal(response.results.length, 1);
  assert.equal(response.results[0].valid, false);
  assert.equal(response.results[0].reason, ValidityReason.NOT_BILLABLE);
  assert.equal(response.validCount, 0);
});

test("error: an empty query is INVALID_ARGUMENT with a BadRequest naming the field", async () => {
  const error = await client.searchCodes({ query: "" }, TIMEOUT).then(
    () => assert.fail("expected INVALID_ARGUMENT"),
    (reason: unknown) => ConnectError.from(reason),
  );
  assert.equal(error.code, Code.InvalidArgument);
  const details = badRequest(error);
  assert.ok(details, "a google.rpc.BadRequest detail");
  assert.deepEqual(
    details.fieldViolations.map((violation) => violation.field),
    ["query"],
  );
});

test("deadline: a call still waiting at its deadline fails with DEADLINE_EXCEEDED", async () => {
  // Holds each call until its deadline has passed, as a slow network would: deterministic,
  // whatever the load. (Connect treats timeoutMs 0 as "no deadline"; a 1 ms deadline races
  // the server, which may answer first, or with CANCELLED "Timeout expired", tonic's code
  // for a deadline it saw expire.)
  const waitOutDeadline: Interceptor = (next) => async (request) => {
    await new Promise<void>((resolve) => {
      if (request.signal.aborted) resolve();
      request.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return next(request);
  };
  const slowClient = createCodifyClient(undefined, { interceptors: [waitOutDeadline] });
  const error = await slowClient.searchCodes({ query: "heart attack" }, { timeoutMs: 50 }).then(
    () => assert.fail("expected DEADLINE_EXCEEDED"),
    (reason: unknown) => ConnectError.from(reason),
  );
  assert.equal(error.code, Code.DeadlineExceeded);
});

test("deadline: a call within a generous deadline succeeds", async () => {
  const response = await client.searchCodes({ query: "heart attack", pageSize: 1 }, TIMEOUT);
  assert.equal(response.results.length, 1);
});
