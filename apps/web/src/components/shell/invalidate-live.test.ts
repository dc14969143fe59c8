import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { invalidateLive } from "./invalidate-live";

/** A server whose answers the test releases one by one, so a fetch can be held in flight. */
function slowServer(initial: string) {
  let state = initial;
  const pending: Array<() => void> = [];
  let reads = 0;
  return {
    set(next: string) {
      state = next;
    },
    /** The answer is read when the request arrives; it is delivered when the test releases it. */
    fetch(): Promise<string> {
      reads += 1;
      const answer = state;
      return new Promise((resolve) => pending.push(() => resolve(answer)));
    },
    releaseAll() {
      for (const release of pending.splice(0)) release();
    },
    get reads() {
      return reads;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("invalidateLive", () => {
  let client: QueryClient;
  afterEach(() => client.clear());

  it("a change that lands while a refetch is in flight is still shown once that refetch returns", async () => {
    client = new QueryClient();
    const server = slowServer("queued");
    const observer = new QueryObserver(client, { queryKey: ["task"], queryFn: () => server.fetch() });
    const unsubscribe = observer.subscribe(() => {});
    server.releaseAll();
    await settle();
    expect(observer.getCurrentResult().data).toBe("queued");

    // A refetch starts (the mutation's own invalidation) and reads the old state…
    void invalidateLive(client, { queryKey: ["task"] });
    expect(server.reads).toBe(2);
    // …then the task succeeds and the change stream says so while that refetch is in flight.
    server.set("succeeded");
    const done = invalidateLive(client, { queryKey: ["task"] });
    server.releaseAll();
    await settle();
    server.releaseAll();
    await done;

    expect(server.reads).toBe(3);
    expect(observer.getCurrentResult().data).toBe("succeeded");
    unsubscribe();
  });

  it("with no fetch in flight, one change is one refetch", async () => {
    client = new QueryClient();
    const server = slowServer("a");
    const observer = new QueryObserver(client, { queryKey: ["x"], queryFn: () => server.fetch() });
    const unsubscribe = observer.subscribe(() => {});
    server.releaseAll();
    await settle();

    server.set("b");
    const done = invalidateLive(client, { queryKey: ["x"] });
    server.releaseAll();
    await done;

    expect(server.reads).toBe(2);
    expect(observer.getCurrentResult().data).toBe("b");
    unsubscribe();
  });
});
