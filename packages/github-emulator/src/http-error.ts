export const DOCS_URL = "https://docs.github.com/rest";

export interface ErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: ValidationErrorItem[];
}

export interface ValidationErrorItem {
  resource: string;
  code: "missing_field" | "invalid" | "already_exists" | "missing" | "custom";
  field: string;
  message?: string;
  /** Set by GitHub on some errors, e.g. the label name refused when labelling an issue. */
  value?: string;
}

/** An error answered to the client with GitHub's status and JSON error body. */
export class HttpError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { documentationUrl?: string; errors?: ValidationErrorItem[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = options.headers ?? {};
    this.body = {
      message,
      documentation_url: options.documentationUrl ?? DOCS_URL,
      status: String(status),
      ...(options.errors ? { errors: options.errors } : {}),
    };
  }
}

export function notFound(message = "Not Found"): HttpError {
  return new HttpError(404, message);
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, message);
}

export function validationFailed(errors: ValidationErrorItem[]): HttpError {
  return new HttpError(422, "Validation Failed", { errors });
}

export function problemsParsingJson(): HttpError {
  return new HttpError(400, "Problems parsing JSON");
}
