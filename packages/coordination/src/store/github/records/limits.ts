import { LIMITS } from "../../../domain/limits.js";

/** GitHub refuses issue and comment bodies longer than this (422 "body is too long"). */
export const BODY_LIMIT = 65_536;
/** GitHub refuses label names longer than this (422, "name is too long (maximum is 50 characters)"). */
export const LABEL_LIMIT = 50;
/** GitHub refuses issue titles longer than this. */
export const TITLE_LIMIT = 256;
/** GitHub refuses new comments on an issue that holds this many (403 "Commenting is disabled …"). */
export const COMMENT_CAP = 2500;
/** Room left for the human-readable line and the envelope around a payload. */
export const PAYLOAD_LIMIT = 60_000;
/**
 * Deepest nesting of a whole record envelope a reader will look at: a caller's value may nest
 * LIMITS.jsonDepth levels (refused deeper on write, see store/json-text.ts) and sits at most
 * 5 levels inside the envelope (`{p:{ev:[{data:{…}}]}}`), plus slack. Anything deeper is
 * refused before any recursive work (canonical JSON, schema checks) touches it.
 */
export const RECORD_DEPTH_LIMIT = LIMITS.jsonDepth + 8;
