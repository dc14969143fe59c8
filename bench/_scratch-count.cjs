const path = require("path");
const Database = require(require.resolve("better-sqlite3", { paths: [path.resolve("packages/coordination")] }));
const counts = new Map(); let tx = { immediate: 0, deferred: 0, plain: 0 };
const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql) { const k = sql.replace(/\s+/g, " ").slice(0, 60); counts.set(k, (counts.get(k) || 0) + 1); return origPrepare.call(this, sql); };
const origTx = Database.prototype.transaction;
Database.prototype.transaction = function (fn) { const t = origTx.call(this, fn); const wrap = (k) => { const f = t[k]; t[k] = function (...a) { tx[k === "default" ? "plain" : k]++; return f.apply(this, a); }; }; wrap("immediate"); wrap("deferred"); return t; };
process.on("exit", () => { const total = [...counts.values()].reduce((a, b) => a + b, 0); process.stderr.write(`COUNT prepares=${total} tx=${JSON.stringify(tx)}\n` + [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${String(v).padStart(7)} ${k}`).join("\n") + "\n"); });
