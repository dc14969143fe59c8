import { renderRepository } from "../render/repository.js";
import type { Handler } from "./context.js";
import { requireRepo } from "./guards.js";

export const getRepository: Handler = (context) => {
  const repo = requireRepo(context);
  return { status: 200, body: renderRepository(context.render, repo), lastModified: repo.record.createdAt };
};
