// Builds the explorer's Cypher editor into one file, committed with its licences, so that a
// clean clone of relgraph needs no npm:
//   cd tools/explorer-editor && npm ci && npm run build
// writes graph/explorer/static/editor.js and graph/explorer/static/editor.LICENSES.txt.
import { build } from "esbuild";
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "graph", "explorer", "static");

const result = await build({
  entryPoints: [join(here, "editor.mjs")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  write: false,
  metafile: true,
});
const banner = "/* relgraph explorer editor: CodeMirror 6 and its dependencies, bundled by " +
  "tools/explorer-editor/build.mjs; licences in editor.LICENSES.txt */\n";
writeFileSync(join(out, "editor.js"), banner + result.outputFiles[0].text);

// Every package that ended up in the bundle, with its licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) packages.add(match[1]);
}
const sections = [];
for (const name of [...packages].sort()) {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const licenceFile = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  const text = licenceFile ? readFileSync(join(folder, licenceFile), "utf8").trim() : `License: ${meta.license}`;
  sections.push(`${name} ${meta.version} (${meta.license})\n${"-".repeat(60)}\n${text}\n`);
}
writeFileSync(join(out, "editor.LICENSES.txt"),
  "The explorer's editor bundle (editor.js) contains these packages, under these licences.\n\n" +
  sections.join("\n"));
console.log(`editor.js: ${(result.outputFiles[0].text.length / 1024).toFixed(0)} KB, ${packages.size} packages`);
