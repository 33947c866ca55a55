/**
 * Express 4 and 5 leave the matched route on the request itself: `req.route.path` is the route's
 * own template and `req.baseUrl` the mount path of the router it sits in (`/api` for
 * `app.use('/api', router)`). Nothing to patch.
 */
interface ExpressRequest {
  readonly route?: { readonly path?: unknown };
  readonly baseUrl?: unknown;
}

export function expressRoute(request: object): string | undefined {
  const { route, baseUrl } = request as ExpressRequest;
  if (route === null || typeof route !== 'object') return undefined;
  const template = route.path;
  if (typeof template !== 'string') return undefined; // a RegExp or an array of paths: no template to show
  return (typeof baseUrl === 'string' ? baseUrl : '') + template;
}
