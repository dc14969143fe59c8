import type Database from "better-sqlite3";

/**
 * Hot-path statements are plain SQL prepared once per connection and reused. Building the
 * same statement with drizzle's query builder on every call and letting SQLite compile it
 * again cost about 40 % of a worker's CPU (docs/benchmarks.md), so the per-task paths
 * (claim poll, claim, complete, events, clock, memory context) use this cache, while drizzle
 * keeps the schema, the migrations and the cold paths (operators, registration, listings).
 * Keyed by the SQL text, which for these callers is always a module constant.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly rawStatements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  get(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * The same, returning each row as an array of column values. better-sqlite3 builds a row
   * object by adding one property per column, which for the 26-column task + lock read cost
   * more than the query itself; the hot readers map the array into a fixed-shape object
   * instead (rows.ts). Kept apart from `get` because raw mode is a property of the statement.
   */
  getRaw(sql: string): Database.Statement {
    let statement = this.rawStatements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql).raw(true);
      this.rawStatements.set(sql, statement);
    }
    return statement;
  }
}
