// Search Codify, then validate the best match for a claim.
//   npm run example -- "heart attack"       (CODIFY_ADDR=host:port, default 127.0.0.1:50051)
import { CodeSystem, ValidityReason, createCodifyClient } from "../src/index.js";

const query = process.argv[2] ?? "heart attack";
const client = createCodifyClient();

const found = await client.searchCodes(
  { query, systems: [CodeSystem.ICD10CM], billableOnly: true, pageSize: 5 },
  { timeoutMs: 5_000 },
);
console.log(`${found.totalSize} results as of ${found.asOf}`);
for (const result of found.results) {
  console.log(`  ${result.code?.code.padEnd(8)} ${result.code?.title}`);
}

const best = found.results[0]?.code;
if (best !== undefined) {
  const verdict = await client.validateCodes(
    { items: [{ system: best.system, code: best.code }] },
    { timeoutMs: 5_000 },
  );
  const result = verdict.results[0];
  console.log(`${best.code}: ${ValidityReason[result.reason]} (${result.message})`);
}
