import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { HydrationMark } from "@/components/hydration-mark";
import "./globals.css";

export const metadata: Metadata = {
  title: "k0rdent airgap console",
  description: "Mirror config and k0s install for airgapped fleets",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: Next.js puts the request's CSP nonce (proxy.ts) on its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
        <HydrationMark />
      </body>
    </html>
  );
}
