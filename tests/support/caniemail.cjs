// What the caniemail data (through @jsx-email/doiuse-email) says of each email given:
// `node caniemail.cjs <client,client,...> <email.html>...` prints one JSON object, by file,
// of [feature, client, "unsupported" | "partial"] entries, sorted and without repeats.
const fs = require("fs");
const { doIUseEmail } = require("@jsx-email/doiuse-email");

const [clients, ...files] = process.argv.slice(2);
const pattern = /^`(.+)` is (not supported|only partially supported) by `(.+)`$/;
const report = {};
for (const file of files) {
  const result = doIUseEmail(fs.readFileSync(file, "utf8"), { emailClients: clients.split(",") });
  const found = new Set();
  for (const message of [...(result.errors || []), ...(result.warnings || [])]) {
    const match = pattern.exec(message);
    if (!match) throw new Error(`unexpected message from doiuse-email: ${message}`);
    const support = match[2] === "not supported" ? "unsupported" : "partial";
    found.add(JSON.stringify([match[1], match[3], support]));
  }
  report[file] = [...found].sort().map((entry) => JSON.parse(entry));
}
process.stdout.write(JSON.stringify(report));
