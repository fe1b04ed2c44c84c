// The coder's page (src/http/ui/app.js) carries a hand-written protobuf encoder/decoder:
// check its field numbers and types against the generated descriptors (so a proto change
// that the page misses fails here), and its bytes against protobuf-es both ways. No server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { create, fromBinary, toBinary, ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import * as codify from "../gen/codify/v1/codify_pb.js";
import * as rpc from "../gen/google/rpc/error_details_pb.js";

type Field = [number, string, string?];
type Page = {
  SCHEMAS: Record<string, Record<string, Field>>;
  encode(schema: string, message: object): number[];
  decode(schema: string, bytes: Uint8Array): Record<string, unknown>;
};

function loadPage(): Page {
  const source = readFileSync(new URL("../../../../src/http/ui/app.js", import.meta.url), "utf8");
  const page: Partial<Page> = {};
  runInNewContext(`${source}\nexported.SCHEMAS = SCHEMAS; exported.encode = encode; exported.decode = decode;`, {
    document: { addEventListener() {} },
    exported: page,
    TextEncoder,
    TextDecoder,
    atob,
  });
  return page as Page;
}

const page = loadPage();
const SCALARS: Record<string, ScalarType> = {
  string: ScalarType.STRING,
  bool: ScalarType.BOOL,
  int32: ScalarType.INT32,
  uint32: ScalarType.UINT32,
  double: ScalarType.DOUBLE,
  bytes: ScalarType.BYTES,
};

/** The generated descriptor of a page schema; undefined for messages gen/ does not hold. */
function descriptor(name: string): DescMessage | undefined {
  const generated: Record<string, unknown> = { ...codify, ...rpc, FieldViolation: rpc.BadRequest_FieldViolationSchema };
  const found = generated[name === "FieldViolation" ? name : `${name}Schema`];
  return found as DescMessage | undefined;
}

test("every field of the page's schemas has the proto's number, type and label", () => {
  let checked = 0;
  for (const [name, fields] of Object.entries(page.SCHEMAS)) {
    const message = descriptor(name);
    if (message === undefined) {
      // google.rpc.Status / Any (not generated here); SuggestCodes' messages until gen/ has them.
      continue;
    }
    for (const [field, [number, type, label]] of Object.entries(fields)) {
      const proto: DescField | undefined = message.fields.find((f) => f.localName === field);
      assert.ok(proto, `${name}.${field}: no such field in ${message.typeName}`);
      assert.equal(number, proto.number, `${name}.${field}: field number`);
      assert.equal(label === "repeated", proto.fieldKind === "list", `${name}.${field}: repeated`);
      assert.equal(label === "optional", proto.proto.proto3Optional === true, `${name}.${field}: optional`);
      const kind = proto.fieldKind === "list" ? proto.listKind : proto.fieldKind;
      if (kind === "scalar") {
        const scalar: ScalarType | undefined = proto.fieldKind === "list" ? proto.scalar : proto.fieldKind === "scalar" ? proto.scalar : undefined;
        assert.equal(SCALARS[type], scalar, `${name}.${field}: ${type}`);
      } else if (kind === "enum") {
        assert.equal(type, "enum", `${name}.${field}: an enum`);
      } else {
        const target: DescMessage | undefined = proto.fieldKind === "list" || proto.fieldKind === "message" ? proto.message : undefined;
        assert.equal(target?.name, type === "FieldViolation" ? "FieldViolation" : type, `${name}.${field}: message type`);
      }
      checked += 1;
    }
  }
  assert.ok(checked > 100, `only ${checked} fields checked`);
});

test("the page encodes requests as protobuf-es reads them", () => {
  const search = fromBinary(
    codify.SearchCodesRequestSchema,
    Uint8Array.from(page.encode("SearchCodesRequest", { query: "café 😀", systems: [1, 2, 4], billableOnly: true, pageSize: 20 })),
  );
  assert.equal(search.query, "café 😀");
  assert.deepEqual(search.systems, [1, 2, 4]);
  assert.equal(search.billableOnly, true);
  assert.equal(search.pageSize, 20);

  const claim = fromBinary(
    codify.CheckClaimRequestSchema,
    Uint8Array.from(
      page.encode("CheckClaimRequest", {
        claimType: 3,
        patientAge: 0,
        diagnoses: ["E11.9", "N18.31"],
        lines: [{ system: 3, code: "99213", modifiers: ["25"], units: 2, diagnosisPointers: [1, 2] }],
      }),
    ),
  );
  assert.equal(claim.patientAge, 0, "an optional field set to 0 is sent");
  assert.deepEqual(claim.diagnoses, ["E11.9", "N18.31"]);
  assert.deepEqual(claim.lines[0].diagnosisPointers, [1, 2]);
  assert.equal(claim.lines[0].units, 2);
  const noAge = fromBinary(codify.CheckClaimRequestSchema, Uint8Array.from(page.encode("CheckClaimRequest", { claimType: 1 })));
  assert.equal(noAge.patientAge, undefined);
});

test("the page decodes responses as protobuf-es writes them", () => {
  const written = toBinary(
    codify.SearchCodesResponseSchema,
    create(codify.SearchCodesResponseSchema, {
      results: [
        {
          code: { system: 1, code: "E11.9", title: "Type 2 diabetes mellitus without complications", billable: true },
          matchType: 4,
          highlights: [{ field: "title", text: "Type 2 diabetes", spans: [{ start: 7, end: 15 }] }],
        },
      ],
      nextPageToken: "t",
      totalSize: 704,
    }),
  );
  const read = page.decode("SearchCodesResponse", written) as {
    results: { code: { code: string; billable: boolean }; highlights: { spans: { start: number; end: number }[] }[] }[];
    totalSize: number;
    nextPageToken: string;
  };
  assert.equal(read.totalSize, 704);
  assert.equal(read.nextPageToken, "t");
  assert.equal(read.results[0].code.code, "E11.9");
  assert.equal(read.results[0].code.billable, true);
  const span = read.results[0].highlights[0].spans[0];
  assert.equal(span.start, 7);
  assert.equal(span.end, 15);
});
