"use client";

import type { RouterOutputs } from "@sentinel/api";
import Link from "next/link";
import { StateBadge } from "../state-badge";

type Graph = RouterOutputs["tasks"]["get"]["graph"];
type Node = Graph["dependencies"][number];

const NODE_H = 44;
const GAP = 8;
const LINK_W = 48;

/** Vertical centres of `count` nodes stacked and centred in a column `height` tall. */
function centres(count: number, height: number): number[] {
  const used = count * NODE_H + Math.max(0, count - 1) * GAP;
  const top = (height - used) / 2;
  return Array.from({ length: count }, (_, i) => top + i * (NODE_H + GAP) + NODE_H / 2);
}

function NodeBox({ node, current, testId }: { node: Node; current?: boolean; testId: string }) {
  const label = node.title || node.id;
  return (
    <div
      data-testid={testId}
      data-state={node.state ?? "unknown"}
      style={{
        height: NODE_H,
        boxSizing: "border-box",
        border: `1px solid ${current ? "var(--accent, #5b8def)" : "var(--border, #ccc)"}`,
        borderRadius: 6,
        padding: "3px 8px",
        display: "flex",
        flexDirection: "column",
        justifyContent: "center",
        minWidth: 0,
      }}
    >
      <div style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} title={node.id}>
        {current ? <strong>{label}</strong> : <Link href={`/tasks/${encodeURIComponent(node.id)}`}>{label}</Link>}
      </div>
      <div className="small">
        {node.state ? <StateBadge state={node.state} /> : <span className="muted">not in the cache</span>}
      </div>
    </div>
  );
}

function Column({ nodes, height, testId }: { nodes: Node[]; height: number; testId: string }) {
  return (
    <div style={{ height, display: "flex", flexDirection: "column", justifyContent: "center", gap: GAP, minWidth: 0 }}>
      {nodes.map((node) => (
        <NodeBox key={node.id} node={node} testId={`${testId}-${node.id}`} />
      ))}
    </div>
  );
}

/** Arrows from each node on the left to each on the right (one side has a single node: this task). */
function Links({ from, to, height }: { from: number[]; to: number[]; height: number }) {
  const pairs = from.flatMap((y1) => to.map((y2) => [y1, y2] as const));
  return (
    <svg width={LINK_W} height={height} aria-hidden style={{ flex: "none" }}>
      <defs>
        <marker id="dep-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" fill="currentColor" />
        </marker>
      </defs>
      {pairs.map(([y1, y2]) => (
        <path
          key={`${y1}-${y2}`}
          d={`M0,${y1} C${LINK_W / 2},${y1} ${LINK_W / 2},${y2} ${LINK_W - 2},${y2}`}
          fill="none"
          stroke="currentColor"
          strokeOpacity={0.5}
          markerEnd="url(#dep-arrow)"
        />
      ))}
    </svg>
  );
}

/**
 * The task's place among dependencies: what it waits for (left), itself, and what waits for
 * it (right), each node linked with its state. Plain boxes and one SVG of arrows per side.
 */
export function TaskDependencyGraph({ task, graph }: { task: Node; graph: Graph }) {
  const { dependencies, dependents, moreDependents } = graph;
  const rows = Math.max(dependencies.length, dependents.length, 1);
  const height = rows * NODE_H + (rows - 1) * GAP;
  const middle = centres(1, height);
  return (
    <div data-testid="task-dependency-graph">
      <div
        className="small muted"
        style={{ display: "grid", gridTemplateColumns: `1fr ${LINK_W}px 1fr ${LINK_W}px 1fr`, marginBottom: 4 }}
      >
        <span>waits for ({dependencies.length})</span>
        <span />
        <span>this task</span>
        <span />
        <span>waited on by ({dependents.length + moreDependents})</span>
      </div>
      <div style={{ display: "grid", gridTemplateColumns: `1fr ${LINK_W}px 1fr ${LINK_W}px 1fr`, alignItems: "start" }}>
        <Column nodes={dependencies} height={height} testId="dep-node" />
        <Links from={centres(dependencies.length, height)} to={middle} height={height} />
        <div style={{ height, display: "flex", flexDirection: "column", justifyContent: "center" }}>
          <NodeBox node={task} current testId="dep-node-self" />
        </div>
        <Links from={middle} to={centres(dependents.length, height)} height={height} />
        <Column nodes={dependents} height={height} testId="dependent-node" />
      </div>
      {moreDependents > 0 && (
        <div className="small muted" style={{ marginTop: 4 }}>
          and {moreDependents.toLocaleString()} more waiting on it
        </div>
      )}
    </div>
  );
}
