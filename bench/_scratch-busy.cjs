const path = require("path");
const Database = require(require.resolve("better-sqlite3", { paths: [path.resolve("packages/coordination")] }));
let busy = 0, stmts = 0; const Stmt = Object.getPrototypeOf(new Database(":memory:").prepare("select 1"));
for (const m of ["run", "get", "all"]) { const o = Stmt[m]; Stmt[m] = function (...a) { stmts++; try { return o.apply(this, a); } catch (e) { if (String(e.code).startsWith("SQLITE_BUSY")) busy++; throw e; } }; }
const origExec = Database.prototype.exec;
process.on("exit", () => process.stderr.write(`BUSY pid=${process.pid} stmts=${stmts} busyErrors=${busy}\n`));
