import type { Metadata } from "next";
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

export default function RootLayout({ children }: { children: ReactNode }) {
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
