import { apiRoute } from "@/lib/http/api-route";

export const GET = apiRoute(async () => Response.json({ ok: true }), { public: true });
