import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { AuthProvider } from "~/components/auth/auth-provider";
import { LiveUpdates } from "~/components/shell/live-updates";
import { Sidebar } from "~/components/shell/sidebar";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Task Sentinel",
  description: "Operator dashboard for the Task Sentinel cluster",
};

/**
 * Reading the request's headers renders every page per request, so each gets the fresh
 * script nonce the proxy (src/proxy.ts) put in its Content-Security-Policy; Next applies it
 * to its own scripts.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await headers();
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <AuthProvider>
            <LiveUpdates>
              <div className="shell">
                <Sidebar />
                <main className="main">{children}</main>
              </div>
            </LiveUpdates>
          </AuthProvider>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
