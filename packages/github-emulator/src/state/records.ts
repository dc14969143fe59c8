export type IssueState = "open" | "closed";
export type IssueStateReason = "completed" | "reopened" | "not_planned" | "duplicate";

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: IssueState;
  stateReason: IssueStateReason | null;
  /** Label names, in the order they were added. */
  labels: string[];
  author: string;
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  /** Deleted issues answer 410 Gone. */
  deleted: boolean;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  createdAt: string;
}
