/**
 * Event ids derived from GitHub data, identical in every process:
 *
 *   id = (serverSecond − EPOCH) · 2^25 + lane · 2^24 + (sourceId mod 2^14) · 2^10 + index
 *
 * serverSecond is the `created_at`/`updated_at` of the comment (or issue) version that
 * introduced the event; lane 0 = comments, 1 = issue bodies; sourceId is the comment id or
 * issue id; index is the entry's position in the record's event history. Ids therefore
 * increase with server time; within one second they follow comment-id order (ids only grow)
 * except across a 2^14 wrap. Because a write can become visible after later ones (replica
 * lag), readers hand out an event only once its second is older than the visibility margin.
 * Good until 2032 (28 bits of seconds since 2023-11-14).
 */
const EPOCH_SECONDS = 1_700_000_000;
const SOURCE_SLOTS = 2 ** 14;
const EVENT_INDEX_SLOTS = 2 ** 10;

export function eventId(serverTimeIso: string, lane: 0 | 1, sourceId: number, index: number): number {
  const seconds = Math.floor(Date.parse(serverTimeIso) / 1000) - EPOCH_SECONDS;
  return (
    seconds * 2 ** 25 + lane * 2 ** 24 + (sourceId % SOURCE_SLOTS) * EVENT_INDEX_SLOTS + (index % EVENT_INDEX_SLOTS)
  );
}

/** Store-clock ms before which an event with this id's second is fully visible. */
export function eventSecondEndMs(id: number): number {
  return (Math.floor(id / 2 ** 25) + EPOCH_SECONDS + 1) * 1000;
}
