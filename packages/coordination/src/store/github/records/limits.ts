/** GitHub refuses issue and comment bodies longer than this (422 "body is too long"). */
export const BODY_LIMIT = 65_536;
/** Room left for the human-readable line and the envelope around a payload. */
export const PAYLOAD_LIMIT = 60_000;
