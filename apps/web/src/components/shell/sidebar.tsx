"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useAuth } from "../auth/auth-provider";
import { AuthStatus } from "../auth/auth-status";
import { LiveIndicator } from "./live-updates";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/workers", label: "Workers" },
  { href: "/locks", label: "Locks" },
  { href: "/tasks", label: "Tasks" },
  { href: "/schedules", label: "Schedules" },
  { href: "/memory", label: "Memory" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit log" },
  { href: "/settings", label: "Settings" },
  { href: "/tokens", label: "Tokens", role: "admin" },
] as const;

export function Sidebar() {
  const pathname = usePathname();
  const { can } = useAuth();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        Task <span>Sentinel</span>
      </div>
      {NAV.filter((item) => !("role" in item) || can(item.role)).map((item) => {
        const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            className={active ? "nav-link active" : "nav-link"}
            aria-current={active ? "page" : undefined}
            data-testid={`nav-${item.label.toLowerCase().replace(/\s+/g, "-")}`}
          >
            {item.label}
          </Link>
        );
      })}
      <div className="sidebar-foot">
        <LiveIndicator />
        <AuthStatus />
      </div>
    </nav>
  );
}
