import { renderBundle } from "@/lib/bundle/render-bundle";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { attachment } from "@/lib/http/content-disposition";
import { render } from "@/lib/render";
import { parseRenderInput, RenderRequestSchema } from "@/lib/render/schema";

export const POST = apiRoute(async (request) => {
  const input = parseRenderInput(RenderRequestSchema, await readJson(request));
  const result = render(input);
  if (!wantsZip(request)) return Response.json(result);
  const now = new Date();
  return new Response(renderBundle(result, input, now), {
    headers: {
      "content-type": "application/zip",
      "content-disposition": attachment(
        `k0s-mirror-${result.k0sVersion}-${now.toISOString().slice(0, 10)}.zip`,
      ),
      "cache-control": "no-store",
    },
  });
});

function wantsZip(request: Request): boolean {
  const format = new URL(request.url).searchParams.get("format");
  return (
    format === "zip" ||
    (format === null && (request.headers.get("accept") ?? "").includes("application/zip"))
  );
}
