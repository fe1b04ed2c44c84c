// Codify's coder's page. Calls codify.v1.CodeService over gRPC-Web (binary protobuf,
// application/grpc-web+proto) on the origin that served it, with the small protobuf
// encoder/decoder below for the messages it uses (field numbers from
// proto/codify/v1/codify.proto). No framework, no build step: the server embeds this file.
// Server text is always inserted with textContent, never parsed as HTML.
"use strict";

// ---- protobuf -------------------------------------------------------------------------

// Message schemas: field name -> [number, type, "repeated" | "optional" | undefined].
// Types: string, bool, int32, uint32, enum, double, or the name of another schema.
const SCHEMAS = {
  CodeSummary: {
    system: [1, "enum"], code: [2, "string"], normalizedCode: [3, "string"], title: [4, "string"],
    shortTitle: [5, "string"], billable: [6, "bool"], kind: [7, "enum"], cptCategory: [8, "enum"],
    releaseVersion: [9, "string"],
  },
  TextSpan: { start: [1, "uint32"], end: [2, "uint32"] },
  Highlight: { field: [1, "string"], text: [2, "string"], spans: [3, "TextSpan", "repeated"] },
  SearchCodesRequest: {
    query: [1, "string"], systems: [2, "enum", "repeated"], billableOnly: [3, "bool"],
    asOf: [6, "string"], pageSize: [7, "int32"], pageToken: [8, "string"],
  },
  SearchResult: { code: [1, "CodeSummary"], matchType: [2, "enum"], highlights: [3, "Highlight", "repeated"] },
  SearchCodesResponse: {
    results: [1, "SearchResult", "repeated"], nextPageToken: [2, "string"], totalSize: [3, "int32"],
    asOf: [4, "string"],
  },
  Descriptor: { type: [1, "enum"], text: [2, "string"] },
  Note: { type: [1, "enum"], text: [2, "string"], source: [3, "string"] },
  HierarchyStep: { id: [1, "string"], level: [2, "enum"], title: [3, "string"] },
  Release: {
    system: [1, "enum"], version: [2, "string"], effectiveFrom: [3, "string"], effectiveTo: [4, "string"],
  },
  HistoryEvent: {
    type: [1, "enum"], releaseVersion: [2, "string"], effectiveFrom: [3, "string"], oldTitle: [4, "string"],
    newTitle: [5, "string"],
  },
  CodeHcc: { model: [1, "string"], hcc: [2, "int32"], label: [3, "string"], paymentYear: [4, "string"] },
  PcsAxis: {
    position: [1, "int32"], name: [2, "string"], value: [3, "string"], label: [4, "string"],
    definition: [5, "string"],
  },
  Code: {
    summary: [1, "CodeSummary"], status: [2, "enum"], asOf: [3, "string"], release: [4, "Release"],
    descriptors: [5, "Descriptor", "repeated"], notes: [6, "Note", "repeated"],
    path: [7, "HierarchyStep", "repeated"], parentCode: [8, "string"], addedDate: [9, "string"],
    terminationDate: [11, "string"], replacements: [13, "string", "repeated"],
    childCodes: [16, "string", "repeated"], history: [17, "HistoryEvent", "repeated"],
    hccs: [18, "CodeHcc", "repeated"], pcsAxes: [19, "PcsAxis", "repeated"],
  },
  GetCodeRequest: { system: [1, "enum"], code: [2, "string"], asOf: [3, "string"] },
  GetCodeResponse: { code: [1, "Code"] },
  ValidationItem: { system: [1, "enum"], code: [2, "string"], dateOfService: [3, "string"] },
  ValidateCodesRequest: { items: [1, "ValidationItem", "repeated"] },
  ValidationResult: {
    valid: [1, "bool"], reason: [2, "enum"], normalizedCode: [3, "string"], displayCode: [4, "string"],
    message: [5, "string"], terminationDate: [6, "string"], replacements: [7, "string", "repeated"],
    effectiveDate: [8, "string"], releaseVersion: [9, "string"], title: [10, "string"],
    invalidPosition: [11, "int32"],
  },
  ValidateCodesResponse: { results: [1, "ValidationResult", "repeated"], validCount: [2, "int32"] },
  ServiceLine: {
    system: [1, "enum"], code: [2, "string"], modifiers: [3, "string", "repeated"], units: [4, "int32"],
    dateOfService: [5, "string"], diagnosisPointers: [6, "int32", "repeated"],
  },
  CheckClaimRequest: {
    claimType: [1, "enum"], dateOfService: [2, "string"], patientAge: [3, "int32", "optional"],
    patientBirthDate: [4, "string"], patientSex: [5, "enum"], diagnoses: [6, "string", "repeated"],
    admittingDiagnosis: [7, "string"], lines: [8, "ServiceLine", "repeated"],
    procedures: [9, "string", "repeated"],
  },
  EditSource: { ruleSet: [1, "string"], version: [2, "string"], text: [3, "string"] },
  ClaimEdit: {
    type: [1, "enum"], severity: [2, "enum"], codes: [3, "string", "repeated"],
    positions: [4, "string", "repeated"], message: [5, "string"], source: [6, "EditSource"],
    modifierBypasses: [7, "bool"], bypassModifiers: [8, "string", "repeated"],
  },
  RuleSetUse: { name: [1, "string"], version: [2, "string"], reason: [3, "string"] },
  ClaimHcc: {
    model: [1, "string"], hcc: [2, "int32"], label: [3, "string"], diagnoses: [4, "string", "repeated"],
    paymentYear: [5, "string"],
  },
  CheckClaimResponse: {
    edits: [1, "ClaimEdit", "repeated"], ruleSets: [2, "RuleSetUse", "repeated"],
    ruleSetsUnavailable: [3, "RuleSetUse", "repeated"], hccs: [4, "ClaimHcc", "repeated"],
  },
  SuggestCodesRequest: {
    text: [1, "string"], systems: [2, "enum", "repeated"], dateOfService: [3, "string"],
    maxSuggestions: [4, "int32"], includeUncodable: [5, "bool"],
  },
  Evidence: { start: [1, "uint32"], end: [2, "uint32"], text: [3, "string"] },
  CodeSuggestion: {
    code: [1, "CodeSummary"], score: [2, "double"], evidence: [3, "Evidence", "repeated"],
    assertion: [4, "enum"], triggers: [5, "Evidence", "repeated"], section: [6, "string"],
    lacks: [7, "enum", "repeated"], queryHint: [8, "string"],
  },
  UncodableMention: {
    code: [1, "CodeSummary"], evidence: [2, "Evidence", "repeated"], assertion: [3, "enum"],
    triggers: [4, "Evidence", "repeated"], section: [5, "string"],
  },
  SuggestCodesResponse: {
    suggestions: [1, "CodeSuggestion", "repeated"], mentions: [2, "UncodableMention", "repeated"],
  },
  // google.rpc.Status and google.rpc.BadRequest, from grpc-status-details-bin.
  Any: { typeUrl: [1, "string"], value: [2, "bytes"] },
  Status: { code: [1, "int32"], message: [2, "string"], details: [3, "Any", "repeated"] },
  FieldViolation: { field: [1, "string"], description: [2, "string"] },
  BadRequest: { fieldViolations: [1, "FieldViolation", "repeated"] },
};

const VARINT_TYPES = new Set(["bool", "int32", "uint32", "enum"]);
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

class Writer {
  constructor() { this.bytes = []; }
  varint(value) {
    // Negative int32 values take ten bytes (two's complement over 64 bits).
    let n = BigInt.asUintN(64, BigInt(value));
    while (n >= 0x80n) { this.bytes.push(Number(n & 0x7fn) | 0x80); n >>= 7n; }
    this.bytes.push(Number(n));
  }
  tag(number, wireType) { this.varint(number * 8 + wireType); }
  lengthDelimited(number, bytes) {
    this.tag(number, 2);
    this.varint(bytes.length);
    for (const b of bytes) this.bytes.push(b);
  }
  double(number, value) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    this.tag(number, 1);
    for (let i = 0; i < 8; i++) this.bytes.push(view.getUint8(i));
  }
}

function isDefault(type, value) {
  if (value === undefined || value === null) return true;
  if (type === "string") return value === "";
  if (type === "bool") return value === false;
  if (VARINT_TYPES.has(type) || type === "double") return Number(value) === 0;
  return false;
}

function scalarToVarint(type, value) { return type === "bool" ? (value ? 1 : 0) : Math.trunc(Number(value)); }

/** Encodes `message` (a plain object with the schema's field names) as `schemaName`. */
function encode(schemaName, message) {
  const schema = SCHEMAS[schemaName];
  const out = new Writer();
  for (const [name, [number, type, label]] of Object.entries(schema)) {
    const value = message[name];
    if (label === "repeated") {
      const values = value ?? [];
      if (values.length === 0) continue;
      if (VARINT_TYPES.has(type)) { // packed
        const packed = new Writer();
        for (const v of values) packed.varint(scalarToVarint(type, v));
        out.lengthDelimited(number, packed.bytes);
      } else {
        for (const v of values) writeField(out, number, type, v);
      }
    } else if (label === "optional" ? value !== undefined && value !== null : !isDefault(type, value)) {
      writeField(out, number, type, value);
    }
  }
  return out.bytes;
}

function writeField(out, number, type, value) {
  if (VARINT_TYPES.has(type)) { out.tag(number, 0); out.varint(scalarToVarint(type, value)); }
  else if (type === "double") out.double(number, value);
  else if (type === "string") out.lengthDelimited(number, utf8Encoder.encode(value));
  else if (type === "bytes") out.lengthDelimited(number, value);
  else out.lengthDelimited(number, encode(type, value));
}

class Reader {
  constructor(bytes) { this.bytes = bytes; this.pos = 0; }
  done() { return this.pos >= this.bytes.length; }
  varint() {
    let result = 0n, shift = 0n;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error("truncated message");
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  }
  take(length) {
    if (this.pos + length > this.bytes.length) throw new Error("truncated message");
    const slice = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return slice;
  }
}

const fieldIndexes = new Map();
function fieldIndex(schemaName) {
  let index = fieldIndexes.get(schemaName);
  if (!index) {
    index = new Map(Object.entries(SCHEMAS[schemaName]).map(([name, [number, type, label]]) => [number, { name, type, label }]));
    fieldIndexes.set(schemaName, index);
  }
  return index;
}

function emptyMessage(schemaName) {
  const message = {};
  for (const [name, [, type, label]] of Object.entries(SCHEMAS[schemaName])) {
    if (label === "repeated") message[name] = [];
    else if (label === "optional") message[name] = undefined;
    else if (type === "string") message[name] = "";
    else if (type === "bool") message[name] = false;
    else if (VARINT_TYPES.has(type) || type === "double") message[name] = 0;
    else message[name] = undefined;
  }
  return message;
}

function varintValue(type, raw) {
  if (type === "bool") return raw !== 0n;
  if (type === "uint32") return Number(BigInt.asUintN(32, raw));
  return Number(BigInt.asIntN(32, raw)); // int32, enum
}

/** Decodes `bytes` (Uint8Array) as `schemaName`; unknown fields are skipped. */
function decode(schemaName, bytes) {
  const index = fieldIndex(schemaName);
  const message = emptyMessage(schemaName);
  const reader = new Reader(bytes);
  while (!reader.done()) {
    const key = Number(reader.varint());
    const number = Math.floor(key / 8), wireType = key & 7;
    const field = index.get(number);
    let raw;
    if (wireType === 0) raw = reader.varint();
    else if (wireType === 1) raw = reader.take(8);
    else if (wireType === 2) raw = reader.take(Number(reader.varint()));
    else if (wireType === 5) raw = reader.take(4);
    else throw new Error(`unsupported wire type ${wireType}`);
    if (!field) continue;
    const { name, type, label } = field;
    let values;
    if (VARINT_TYPES.has(type)) {
      if (wireType === 2) { // packed
        const packed = new Reader(raw);
        values = [];
        while (!packed.done()) values.push(varintValue(type, packed.varint()));
      } else if (wireType === 0) values = [varintValue(type, raw)];
      else continue;
    } else if (type === "double") {
      if (wireType !== 1) continue;
      values = [new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true)];
    } else if (wireType !== 2) continue;
    else if (type === "string") values = [utf8Decoder.decode(raw)];
    else if (type === "bytes") values = [raw.slice()];
    else values = [decode(type, raw)];
    if (label === "repeated") message[name].push(...values);
    else message[name] = values[values.length - 1];
  }
  return message;
}

// ---- gRPC-Web ---------------------------------------------------------------------------

const GRPC_CODES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
  "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
];

class RpcError extends Error {
  constructor(code, message, violations) {
    const details = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
    super(details ? `${message} (${details})` : message || GRPC_CODES[code] || `gRPC status ${code}`);
    this.code = code;
    this.codeName = GRPC_CODES[code] ?? String(code);
    this.violations = violations;
  }
}

function parseTrailers(text) {
  const trailers = new Map();
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return trailers;
}

function base64Bytes(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(padded + "===".slice((padded.length + 3) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function statusError(status, get) {
  let message = get("grpc-message") ?? "";
  try { message = decodeURIComponent(message); } catch { /* keep it as sent */ }
  let violations = [];
  const details = get("grpc-status-details-bin");
  if (details) {
    try {
      const rpcStatus = decode("Status", base64Bytes(details));
      for (const any of rpcStatus.details) {
        if (any.typeUrl.endsWith("/google.rpc.BadRequest")) {
          violations = violations.concat(decode("BadRequest", any.value).fieldViolations);
        }
      }
    } catch { /* the message alone will do */ }
  }
  return new RpcError(status, message, violations);
}

/**
 * Calls codify.v1.CodeService/`method` with `request` (encoded as `requestSchema`) and
 * returns the response decoded as `responseSchema`; throws RpcError on a non-OK status.
 */
async function call(method, requestSchema, request, responseSchema, signal) {
  const body = new Uint8Array(encode(requestSchema, request));
  const framed = new Uint8Array(5 + body.length);
  new DataView(framed.buffer).setUint32(1, body.length);
  framed.set(body, 5);
  const response = await fetch(`/codify.v1.CodeService/${method}`, {
    method: "POST",
    headers: { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", "grpc-timeout": "20S" },
    body: framed,
    signal,
  });
  if (!response.ok) throw new RpcError(14, `HTTP ${response.status}`, []);
  // A trailers-only response (an error before any message) carries the status in headers.
  const headerStatus = response.headers.get("grpc-status");
  if (headerStatus !== null && headerStatus !== "0") {
    throw statusError(Number(headerStatus), (name) => response.headers.get(name));
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  let message = null, trailers = null;
  for (let pos = 0; pos + 5 <= bytes.length;) {
    const flags = bytes[pos];
    const length = new DataView(bytes.buffer, bytes.byteOffset + pos + 1, 4).getUint32(0);
    const payload = bytes.subarray(pos + 5, pos + 5 + length);
    pos += 5 + length;
    if (flags & 0x80) trailers = parseTrailers(utf8Decoder.decode(payload));
    else if (message === null) message = decode(responseSchema, payload);
  }
  const status = trailers?.get("grpc-status") ?? headerStatus;
  if (status === null || status === undefined) throw new RpcError(2, "the response had no gRPC status", []);
  if (status !== "0") throw statusError(Number(status), (name) => trailers?.get(name) ?? response.headers.get(name));
  return message ?? emptyMessage(responseSchema);
}

// ---- names -----------------------------------------------------------------------------

const SYSTEM_NAMES = { 1: "ICD-10-CM", 2: "HCPCS", 3: "CPT", 4: "ICD-10-PCS" };
const SYSTEM_WORDS = {
  "ICD": 1, "ICD10": 1, "ICD10CM": 1, "ICD-10-CM": 1, "CM": 1, "DX": 1,
  "HCPCS": 2, "CPT": 3, "PCS": 4, "ICD10PCS": 4, "ICD-10-PCS": 4,
};
const STATUS_NAMES = ["", "active", "terminated", "not yet effective", "no release"];
const MATCH_NAMES = ["", "exact code", "code prefix", "full title", "all words in title", "other text", "fuzzy"];
const NOTE_NAMES = ["Note", "Includes", "Excludes1", "Excludes2", "Code first", "Use additional code", "Code also", "Note"];
const DESCRIPTOR_NAMES = ["", "Medium", "Consumer", "Clinician", "Inclusion term"];
const CHANGE_NAMES = ["", "added", "terminated", "re-described"];
const REASON_NAMES = ["", "valid", "malformed", "unknown", "not billable (header)", "terminated", "not yet effective", "no release"];
const EDIT_NAMES = [
  "", "invalid code", "duplicate code", "age conflict", "sex conflict", "manifestation as principal",
  "external cause as principal", "unacceptable principal", "questionable admission", "unspecified code",
  "Excludes1", "code first", "use additional code", "PTP (NCCI) conflict", "MUE exceeded",
  "add-on without primary", "invalid modifier", "non-covered procedure", "limited coverage",
];
const ASSERTION_NAMES = ["", "present", "negated", "possible", "hypothetical", "historical", "family"];
const GAP_NAMES = ["", "laterality", "type", "acuity", "encounter", "site", "detail"];

// ---- DOM helpers -------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

/** An element with `attrs` (class, text, data-*, other attributes) and children. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setStatus(id, text, isError = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error", isError);
}

function errorText(error) {
  if (error instanceof RpcError) {
    if (error.code === 12) return "This server does not offer this yet (UNIMPLEMENTED).";
    return `${error.codeName}: ${error.message}`;
  }
  return `Could not reach the server: ${error.message}`;
}

/** `text` split into code points, with the code-point `ranges` ({start, end, ...}) marked. */
function markRanges(text, ranges, makeMark) {
  const points = Array.from(text);
  const sorted = ranges
    .filter((r) => r.end > r.start && r.start < points.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const nodes = [];
  let at = 0;
  for (const range of sorted) {
    if (range.start < at) continue; // overlapping: the first (longest) wins
    const end = Math.min(range.end, points.length);
    if (range.start > at) nodes.push(points.slice(at, range.start).join(""));
    nodes.push(makeMark(points.slice(range.start, end).join(""), range));
    at = end;
  }
  if (at < points.length) nodes.push(points.slice(at).join(""));
  return nodes;
}

function asOf() { return $("as-of").value; }

// ---- search ----------------------------------------------------------------------------

const search = { controller: null, timer: 0, tokens: [""], page: 0, selected: null };

function scheduleSearch() {
  clearTimeout(search.timer);
  search.timer = setTimeout(() => { search.tokens = [""]; search.page = 0; runSearch(); }, 150);
}

async function runSearch() {
  const query = $("search-query").value.trim();
  search.controller?.abort();
  if (query === "") {
    $("search-results").replaceChildren();
    setStatus("search-status", "");
    updatePager("");
    return;
  }
  const controller = new AbortController();
  search.controller = controller;
  const system = Number($("search-system").value);
  setStatus("search-status", "Searching…");
  try {
    const response = await call("SearchCodes", "SearchCodesRequest", {
      query,
      systems: system ? [system] : [],
      billableOnly: $("search-billable").checked,
      asOf: asOf(),
      pageSize: 20,
      pageToken: search.tokens[search.page],
    }, "SearchCodesResponse", controller.signal);
    if (controller !== search.controller) return;
    renderResults(response);
    const first = search.page * 20 + 1;
    const last = search.page * 20 + response.results.length;
    setStatus("search-status", response.totalSize === 0
      ? `No codes match as of ${response.asOf}.`
      : `${response.totalSize} results as of ${response.asOf}; ${first}–${last} shown.`);
    updatePager(response.nextPageToken);
  } catch (error) {
    if (error.name === "AbortError") return;
    setStatus("search-status", errorText(error), true);
  }
}

function renderResults(response) {
  const items = response.results.map((result) => {
    const summary = result.code ?? emptyMessage("CodeSummary");
    const title = result.highlights.find((h) => h.field === "title");
    const titleNodes = title
      ? markRanges(title.text, title.spans, (text) => el("mark", { text }))
      : [summary.title];
    const other = result.highlights.find((h) => h.field !== "title");
    const item = el("li", {
      class: "clickable result",
      tabindex: "0",
      "data-code": summary.code,
      "data-system": String(summary.system),
    },
    el("div", {},
      el("span", { class: "code", text: summary.code }),
      el("span", { class: "title" }, titleNodes),
      el("span", { class: "tag", text: SYSTEM_NAMES[summary.system] ?? "" }),
      summary.billable ? null : el("span", { class: "tag warn", text: "header" })),
    other ? el("div", { class: "sub" }, `${other.field.replace(/_/g, " ")}: `,
      markRanges(other.text, other.spans, (text) => el("mark", { text }))) : null,
    el("div", { class: "sub", text: MATCH_NAMES[result.matchType] ?? "" }));
    const open = () => { selectResult(item); showCode(summary.system, summary.code); };
    item.addEventListener("click", open);
    item.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
    return item;
  });
  $("search-results").replaceChildren(...items);
}

function selectResult(item) {
  for (const other of $("search-results").children) other.classList.remove("selected");
  item.classList.add("selected");
}

function updatePager(nextToken) {
  search.tokens.length = search.page + 1;
  if (nextToken) search.tokens.push(nextToken);
  $("search-prev").disabled = search.page === 0;
  $("search-next").disabled = !nextToken;
  $("search-page").textContent = search.tokens.length > 1 || search.page > 0 ? `page ${search.page + 1}` : "";
}

// ---- code detail -------------------------------------------------------------------------

async function showCode(system, code) {
  const detail = $("detail");
  detail.hidden = false;
  detail.replaceChildren(el("p", { class: "status", text: `Loading ${code}…` }));
  try {
    const response = await call("GetCode", "GetCodeRequest", { system, code, asOf: asOf() }, "GetCodeResponse");
    renderCode(response.code ?? emptyMessage("Code"));
  } catch (error) {
    detail.replaceChildren(el("p", { class: "status error", text: errorText(error) }));
  }
}

function codeLink(system, code) {
  return el("button", { class: "link code-link", type: "button", text: code, onclick: () => showCode(system, code) });
}

function renderCode(entry) {
  const summary = entry.summary ?? emptyMessage("CodeSummary");
  const system = summary.system;
  const statusClass = entry.status === 1 ? "ok" : "bad";
  const parts = [
    el("div", { class: "path" }, entry.path.map((step, i) => [i ? " › " : "", `${step.id} ${step.title}`])),
    el("h2", { id: "detail-title" },
      el("span", { class: "code", id: "detail-code", text: summary.code }), summary.title),
    el("div", {},
      el("span", { class: "tag", text: SYSTEM_NAMES[system] ?? "" }),
      el("span", { class: `tag ${statusClass}`, text: STATUS_NAMES[entry.status] ?? "" }),
      el("span", { class: summary.billable ? "tag ok" : "tag warn", text: summary.billable ? "billable" : "header: not billable" }),
      entry.release ? el("span", { class: "tag", text: `release ${entry.release.version} (from ${entry.release.effectiveFrom})` }) : null),
  ];
  if (summary.shortTitle) parts.push(el("p", { class: "sub", text: `Short: ${summary.shortTitle}` }));
  if (entry.parentCode) parts.push(el("p", {}, "Parent: ", codeLink(system, entry.parentCode)));
  if (entry.terminationDate) parts.push(el("p", { text: `Last date of use: ${entry.terminationDate}` }));
  if (entry.replacements.length) {
    parts.push(el("p", {}, "Replacements: ", entry.replacements.map((code, i) => [i ? ", " : "", codeLink(system, code)])));
  }
  if (entry.childCodes.length) {
    parts.push(el("h3", { text: "Children" }),
      el("p", {}, entry.childCodes.map((code, i) => [i ? ", " : "", codeLink(system, code)])));
  }
  if (entry.descriptors.length) {
    parts.push(el("h3", { text: "Descriptors" }),
      el("ul", {}, entry.descriptors.map((d) => el("li", {}, el("b", { text: `${DESCRIPTOR_NAMES[d.type] ?? ""}: ` }), d.text))));
  }
  if (entry.notes.length) {
    parts.push(el("h3", { text: "Notes" }),
      el("ul", {}, entry.notes.map((n) => el("li", {},
        el("b", { text: `${NOTE_NAMES[n.type] ?? "Note"}: ` }), n.text,
        n.source && n.source !== summary.code ? el("span", { class: "sub", text: ` (on ${n.source})` }) : null))));
  }
  if (entry.pcsAxes.length) {
    parts.push(el("h3", { text: "Characters" }),
      el("table", { class: "table" }, el("tbody", {}, entry.pcsAxes.map((a) =>
        el("tr", {}, el("td", { text: String(a.position) }), el("td", { text: a.name }),
          el("td", { class: "code", text: a.value }), el("td", { text: a.label }))))));
  }
  if (entry.hccs.length) {
    parts.push(el("h3", { text: "HCCs" }),
      el("ul", {}, entry.hccs.map((h) => el("li", { text: `${h.model} HCC ${h.hcc}: ${h.label} (${h.paymentYear})` }))));
  }
  parts.push(el("h3", { text: "History" }));
  if (entry.history.length) {
    parts.push(el("table", { class: "table", id: "detail-history" },
      el("thead", {}, el("tr", {}, el("th", { text: "Release" }), el("th", { text: "From" }),
        el("th", { text: "Change" }), el("th", { text: "Title" }))),
      el("tbody", {}, entry.history.map((h) => el("tr", {},
        el("td", { text: h.releaseVersion }), el("td", { text: h.effectiveFrom }),
        el("td", { text: CHANGE_NAMES[h.type] ?? "" }),
        el("td", {}, h.oldTitle && h.newTitle && h.oldTitle !== h.newTitle
          ? [el("del", { text: h.oldTitle }), " → ", h.newTitle]
          : h.newTitle || h.oldTitle))))));
  } else {
    parts.push(el("p", { class: "sub", id: "detail-history", text: "No changes across the loaded releases." }));
  }
  $("detail").replaceChildren(...parts);
}

// ---- validate ----------------------------------------------------------------------------

/** "HCPCS J1100" / "cpt: 99213" / "E11.9" -> {system, code}. */
function parseCodeLine(line, defaultSystem) {
  const match = /^([A-Za-z][A-Za-z0-9-]*)\s*[:\s]\s*(\S+)$/.exec(line);
  const system = match ? SYSTEM_WORDS[match[1].toUpperCase()] : undefined;
  return system ? { system, code: match[2] } : { system: defaultSystem, code: line };
}

async function runValidate() {
  const defaultSystem = Number($("validate-system").value);
  const items = $("validate-codes").value.split(/\n/).map((l) => l.trim()).filter(Boolean)
    .map((line) => ({ ...parseCodeLine(line, defaultSystem), dateOfService: asOf() }));
  const table = $("validate-results");
  if (items.length === 0) { setStatus("validate-status", "Enter some codes."); table.hidden = true; return; }
  setStatus("validate-status", "Validating…");
  try {
    const response = await call("ValidateCodes", "ValidateCodesRequest", { items }, "ValidateCodesResponse");
    setStatus("validate-status", `${response.validCount} of ${items.length} valid.`);
    table.tBodies[0].replaceChildren(...response.results.map((r, i) => el("tr", { class: "validation" },
      el("td", {}, el("span", { class: "code", text: r.displayCode || items[i].code }),
        el("span", { class: "tag", text: SYSTEM_NAMES[items[i].system] })),
      el("td", { class: r.valid ? "valid" : "invalid", text: r.valid ? "valid" : "invalid" }),
      el("td", { text: REASON_NAMES[r.reason] ?? "" }),
      el("td", {}, r.title ? el("div", { text: r.title }) : null,
        el("div", { class: "sub", text: r.message }),
        r.replacements.length ? el("div", { class: "sub", text: `Use instead: ${r.replacements.join(", ")}` }) : null))));
    table.hidden = false;
  } catch (error) {
    setStatus("validate-status", errorText(error), true);
    table.hidden = true;
  }
}

// ---- claim -------------------------------------------------------------------------------

const splitCodes = (text) => text.split(/[\s,;]+/).map((c) => c.trim()).filter(Boolean);

/** "99213-25-59 x2" / "J1100 x 3" / "CPT 99213" -> ServiceLine. */
function parseServiceLine(line) {
  let rest = line.trim();
  let units = 1;
  const unitMatch = /\s*[x×*]\s*(\d+)\s*$/i.exec(rest);
  if (unitMatch) { units = Number(unitMatch[1]); rest = rest.slice(0, unitMatch.index); }
  let system;
  const named = /^([A-Za-z]+)\s*[:\s]\s*(\S+)$/.exec(rest);
  if (named && SYSTEM_WORDS[named[1].toUpperCase()]) { system = SYSTEM_WORDS[named[1].toUpperCase()]; rest = named[2]; }
  const [code, ...modifiers] = rest.split(/[-\s]+/).filter(Boolean);
  // HCPCS Level II: a letter A-V and four digits; anything else is CPT.
  system ??= /^[A-Va-v]\d{4}$/.test(code ?? "") ? 2 : 3;
  return { system, code: code ?? "", modifiers, units };
}

async function runClaim() {
  const age = $("claim-age").value;
  const request = {
    claimType: Number($("claim-type").value),
    dateOfService: asOf() || new Date().toISOString().slice(0, 10),
    patientAge: age === "" ? undefined : Number(age),
    patientSex: Number($("claim-sex").value),
    diagnoses: splitCodes($("claim-diagnoses").value),
    lines: $("claim-lines").value.split("\n").filter((l) => l.trim()).map(parseServiceLine),
    procedures: splitCodes($("claim-procedures").value),
  };
  const out = $("claim-results");
  setStatus("claim-status", "Checking…");
  try {
    const response = await call("CheckClaim", "CheckClaimRequest", request, "CheckClaimResponse");
    const errors = response.edits.filter((e) => e.severity === 1).length;
    setStatus("claim-status", response.edits.length === 0
      ? `No edits for ${request.dateOfService}.`
      : `${response.edits.length} edits (${errors} errors) for ${request.dateOfService}.`);
    const parts = [];
    if (response.edits.length) {
      parts.push(el("table", { class: "table", id: "claim-edits" },
        el("thead", {}, el("tr", {}, ["Severity", "Edit", "Codes", "Message", "Rule"].map((h) => el("th", { text: h })))),
        el("tbody", {}, response.edits.map((e) => el("tr", { class: "edit" },
          el("td", { class: e.severity === 1 ? "severity-error" : "severity-warning", text: e.severity === 1 ? "error" : "warning" }),
          el("td", { text: EDIT_NAMES[e.type] ?? String(e.type) }),
          el("td", {}, el("span", { class: "code", text: e.codes.join(", ") }), el("div", { class: "sub", text: e.positions.join(", ") })),
          el("td", {}, e.message, e.bypassModifiers.length ? el("div", { class: "sub", text: `Bypass modifiers: ${e.bypassModifiers.join(", ")}` }) : null),
          el("td", { class: "sub" }, e.source ? `${e.source.ruleSet} ${e.source.version}` : "",
            e.source?.text ? el("div", { text: e.source.text }) : null))))));
    }
    if (response.hccs.length) {
      parts.push(el("h3", { text: "HCCs" }), el("ul", {}, response.hccs.map((h) =>
        el("li", { text: `${h.model} HCC ${h.hcc}: ${h.label} (${h.diagnoses.join(", ")})` }))));
    }
    parts.push(el("p", { class: "sub", text: `Rule sets applied: ${response.ruleSets.map((r) => `${r.name} ${r.version}`).join(", ") || "none"}` }));
    if (response.ruleSetsUnavailable.length) {
      parts.push(el("p", { class: "sub", text: `Not applied: ${response.ruleSetsUnavailable.map((r) => `${r.name} (${r.reason})`).join("; ")}` }));
    }
    out.replaceChildren(...parts);
  } catch (error) {
    setStatus("claim-status", errorText(error), true);
    out.replaceChildren();
  }
}

// ---- note --------------------------------------------------------------------------------

async function runNote() {
  const text = $("note-text").value;
  if (text.trim() === "") { setStatus("note-status", "Paste a note first."); return; }
  setStatus("note-status", "Reading the note…");
  try {
    const response = await call("SuggestCodes", "SuggestCodesRequest", {
      text, dateOfService: asOf(), maxSuggestions: 30, includeUncodable: $("note-uncodable").checked,
    }, "SuggestCodesResponse");
    renderNote(text, response);
    setStatus("note-status", response.suggestions.length
      ? `${response.suggestions.length} codes suggested.` : "No codes suggested.");
  } catch (error) {
    setStatus("note-status", errorText(error), true);
  }
}

function activate(group) {
  for (const node of document.querySelectorAll(".active")) node.classList.remove("active");
  for (const node of document.querySelectorAll(`[data-groups~="${group}"]`)) node.classList.add("active");
}

const KIND_RANK = { evidence: 3, uncodable: 2, trigger: 1 };

/**
 * `text` cut at every boundary of the code-point `ranges` ({start, end, group, kind, label}):
 * each piece that some range covers becomes a mark naming all of them, so evidence shared
 * by two suggestions (overlapping ranges) shows for both.
 */
function markSegments(text, ranges) {
  const points = Array.from(text);
  const valid = ranges.filter((r) => r.end > r.start && r.start < points.length);
  const cuts = new Set([0, points.length]);
  for (const r of valid) { cuts.add(r.start); cuts.add(Math.min(r.end, points.length)); }
  const sorted = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    const piece = points.slice(start, end).join("");
    const covering = valid.filter((r) => r.start <= start && r.end >= end);
    if (covering.length === 0) { nodes.push(piece); continue; }
    const kind = covering.reduce((best, r) => (KIND_RANK[r.kind] > KIND_RANK[best] ? r.kind : best), "trigger");
    const groups = [...new Set(covering.map((r) => r.group))];
    const labels = [...new Set(covering.filter((r) => r.label).map((r) => r.label))];
    const mark = el("mark", {
      class: kind,
      "data-groups": groups.join(" "),
      title: labels.length ? `evidence for suggestion ${labels.join(", ")}` : "not coded",
      text: piece,
    });
    mark.addEventListener("click", () => activate(groups[0]));
    nodes.push(mark);
  }
  return nodes;
}

function renderNote(text, response) {
  const ranges = [];
  response.suggestions.forEach((s, i) => {
    for (const e of s.evidence) ranges.push({ ...e, group: `s${i}`, kind: "evidence", label: `${i + 1}` });
    for (const t of s.triggers) ranges.push({ ...t, group: `s${i}`, kind: "trigger", label: `${i + 1}` });
  });
  response.mentions.forEach((m, i) => {
    for (const e of m.evidence) ranges.push({ ...e, group: `m${i}`, kind: "uncodable" });
    for (const t of m.triggers) ranges.push({ ...t, group: `m${i}`, kind: "trigger" });
  });
  const marked = $("note-marked");
  marked.replaceChildren(...markSegments(text, ranges));
  marked.hidden = false;

  $("note-suggestions").replaceChildren(...response.suggestions.map((s, i) => {
    const summary = s.code ?? emptyMessage("CodeSummary");
    const item = el("li", { class: "clickable suggestion", "data-groups": `s${i}`, "data-code": summary.code },
      el("div", {}, el("span", { class: "num", text: String(i + 1) }),
        el("span", { class: "code", text: summary.code }), summary.title,
        el("span", { class: "tag", text: `${Math.round(s.score * 100)}%` }),
        s.assertion && s.assertion !== 1 ? el("span", { class: "tag warn", text: ASSERTION_NAMES[s.assertion] }) : null),
      el("div", { class: "sub" },
        `“${s.evidence.map((e) => e.text).join(" … ")}”`,
        s.section ? ` — ${s.section}` : "",
        s.triggers.length ? ` — because of “${s.triggers.map((t) => t.text).join("”, “")}”` : ""),
      s.lacks.length || s.queryHint
        ? el("div", { class: "sub", text: `Lacks ${s.lacks.map((g) => GAP_NAMES[g]).join(", ") || "detail"}${s.queryHint ? `: ${s.queryHint}` : ""}` })
        : null);
    item.addEventListener("click", () => activate(`s${i}`));
    item.addEventListener("dblclick", () => { selectTab("tab-search"); showCode(summary.system, summary.code); });
    return item;
  }));

  $("note-mentions-title").hidden = response.mentions.length === 0;
  $("note-mentions").replaceChildren(...response.mentions.map((m, i) => {
    const summary = m.code ?? emptyMessage("CodeSummary");
    const item = el("li", { class: "clickable mention", "data-groups": `m${i}` },
      el("span", { class: "tag", text: ASSERTION_NAMES[m.assertion] ?? "" }), " ",
      `“${m.evidence.map((e) => e.text).join(" … ")}”`,
      el("span", { class: "sub", text: ` would be ${summary.code} ${summary.title}` }));
    item.addEventListener("click", () => activate(`m${i}`));
    return item;
  }));
}

// ---- tabs and start-up ---------------------------------------------------------------------

function selectTab(tabId) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.id === tabId;
    tab.setAttribute("aria-selected", String(selected));
    $(tab.dataset.panel).hidden = !selected;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll('[role="tab"]')) tab.addEventListener("click", () => selectTab(tab.id));
  $("search-query").addEventListener("input", scheduleSearch);
  $("search-system").addEventListener("change", scheduleSearch);
  $("search-billable").addEventListener("change", scheduleSearch);
  $("as-of").addEventListener("change", scheduleSearch);
  $("search-next").addEventListener("click", () => { search.page += 1; runSearch(); });
  $("search-prev").addEventListener("click", () => { search.page = Math.max(0, search.page - 1); runSearch(); });
  $("validate-run").addEventListener("click", runValidate);
  $("claim-run").addEventListener("click", runClaim);
  $("note-run").addEventListener("click", runNote);
  $("search-query").focus();
  document.body.dataset.ready = "true";
});
