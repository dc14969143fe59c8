/** An emulator option (users, repos, persisted state) that cannot be used; `option` names it. */
export class EmulatorOptionsError extends Error {
  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`${option}: ${detail}`);
    this.name = "EmulatorOptionsError";
  }
}

/** A state method was asked for a record that does not exist (handlers answer 404 before calling it). */
export class MissingRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingRecordError";
  }
}
