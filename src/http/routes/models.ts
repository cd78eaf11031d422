/**
 * @module http/routes/models
 * `GET /v1/models` in OpenAI's list shape: the configured remote models (prefix patterns are not
 * listable) and the local model when one is loaded.
 */
import type { RouteTable } from '../../route/route.ts';

export function listModels(routes: RouteTable, created: number) {
  const data = routes.models
    .filter((m) => !m.id.endsWith('*'))
    .map((m) => ({ id: m.id, object: 'model', created, owned_by: m.provider }));
  if (routes.local) data.push({ id: routes.local.id, object: 'model', created, owned_by: 'veil-local' });
  return { object: 'list', data };
}
