import { apiRoute } from "@/lib/http/api-route";
import { HttpError } from "@/lib/http/errors";

/** Any other /api path: a JSON 404 like every API error (after the token check), not a page. */
const notFound = apiRoute(async (request) => {
  throw new HttpError(404, `no API route ${new URL(request.url).pathname}`);
});

export {
  notFound as DELETE,
  notFound as GET,
  notFound as PATCH,
  notFound as POST,
  notFound as PUT,
};
