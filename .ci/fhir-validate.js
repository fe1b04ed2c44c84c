// Validates FHIR R4 resources (JSON files named on the command line) with the offline
// validator of the npm package `fhir` (4.12.0); exits non-zero on any error.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');

const fhir = new Fhir();
let failed = 0;
for (const path of process.argv.slice(2)) {
  const resource = JSON.parse(fs.readFileSync(path, 'utf8'));
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  const errors = result.messages.filter((m) => m.severity === 'error');
  const warnings = result.messages.filter((m) => m.severity !== 'error');
  const name = path.split('/').pop();
  if (!result.valid || errors.length > 0) {
    failed += 1;
    console.log(`FAIL ${name} (${resource.resourceType}): ${JSON.stringify(errors)}`);
  } else {
    console.log(`ok   ${name} (${resource.resourceType})${warnings.length ? ` ${warnings.length} warnings: ${JSON.stringify(warnings)}` : ''}`);
  }
}
if (failed > 0) {
  console.log(`${failed} resource(s) invalid`);
  process.exit(1);
}
