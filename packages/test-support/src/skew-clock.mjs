// Preloaded with `--import` into a worker process to skew its JS clock by SENTINEL_TEST_CLOCK_SKEW_MS.
// The store's clock (SQLite's julianday('now')) is untouched: that is the point of the test.
const skew = Number(process.env.SENTINEL_TEST_CLOCK_SKEW_MS ?? "0");
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + skew);
    else super(...args);
  }
  static now() {
    return realNow() + skew;
  }
}
globalThis.Date = SkewedDate;
