import { alertsRouter } from "./router/alerts.js";
import { auditRouter } from "./router/audit.js";
import { liveSubscription } from "./router/live.js";
import { locksRouter } from "./router/locks.js";
import { memoryRouter } from "./router/memory.js";
import { overviewRouter } from "./router/overview.js";
import { queuesRouter } from "./router/queues.js";
import { schedulesRouter } from "./router/schedules.js";
import { sessionRouter } from "./router/session.js";
import { settingsRouter } from "./router/settings.js";
import { tasksRouter } from "./router/tasks.js";
import { tokensRouter } from "./router/tokens.js";
import { workersRouter } from "./router/workers.js";
import { createCallerFactory, createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  overview: overviewRouter,
  workers: workersRouter,
  locks: locksRouter,
  tasks: tasksRouter,
  queues: queuesRouter,
  schedules: schedulesRouter,
  memory: memoryRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  settings: settingsRouter,
  session: sessionRouter,
  tokens: tokensRouter,
  live: liveSubscription,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
