import { renderRepository } from "../render/repository.js";
import type { Handler } from "./context.js";
import { requireRepo } from "./guards.js";

export const getRepository: Handler = (context) => ({
  status: 200,
  body: renderRepository(context.render, requireRepo(context)),
});
