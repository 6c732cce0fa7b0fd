import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { CONTROLLER_WATERMARK, METHOD_METADATA } from '@nestjs/common/constants.js';

import { IS_PUBLIC } from '../../../src/auth/decorators/public.decorator.js';
import { ACCEPTS_QUERY_TOKEN } from '../../../src/auth/decorators/query-token.decorator.js';
import { REQUIRED_ROLES } from '../../../src/auth/decorators/roles.decorator.js';
import type { Role } from '../../../src/users/user.entity.js';

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One route as served: its real path (from the OpenAPI document) and its access rules (from the controller's decorators). */
export interface Route {
  method: HttpMethod;
  /** OpenAPI template, e.g. `/api/v1/channels/{id}`. */
  path: string;
  /** `ControllerClass_handler`, as Nest's OpenAPI generator names operations. */
  operationId: string;
  isPublic: boolean;
  /** Roles required by @Roles() on the handler or its controller; empty when any signed-in user may call. */
  roles: Role[];
  acceptsQueryToken: boolean;
  /** The path's `{placeholders}`, in order. */
  params: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string }>>;
}

type Handler = (...args: unknown[]) => unknown;
type ControllerClass = { name: string; prototype: Record<string, unknown> };

const SRC = join(__dirname, '..', '..', '..', 'src');

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

/** Every controller class exported by src/**\/*.controller.ts. */
async function loadControllers(): Promise<Map<string, ControllerClass>> {
  const controllers = new Map<string, ControllerClass>();
  for (const file of controllerFiles(SRC)) {
    const exported = (await import(file)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value === 'function' && Reflect.getMetadata(CONTROLLER_WATERMARK, value) === true)
        controllers.set(value.name, value);
    }
  }
  return controllers;
}

/** `Controller_handler` for every routed handler of every controller. */
function routedHandlers(controllers: Map<string, ControllerClass>): string[] {
  return [...controllers.values()].flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter(
        (name) =>
          name !== 'constructor' &&
          Reflect.hasMetadata(METHOD_METADATA, controller.prototype[name] as Handler),
      )
      .map((name) => `${controller.name}_${name}`),
  );
}

/**
 * Every route the server answers, enumerated from the running server's OpenAPI document and the
 * controllers' decorators; fails if a routed handler is missing from the document, so a new route
 * cannot escape the suites that walk this list.
 */
export async function loadRouteCatalogue(baseUrl: string): Promise<Route[]> {
  const response = await fetch(`${baseUrl}/docs-json`);
  if (!response.ok) throw new Error(`GET /docs-json answered ${response.status}`);
  const document = (await response.json()) as OpenApiDocument;
  const controllers = await loadControllers();

  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const operationId = operation.operationId ?? '';
      const [controllerName, handlerName] = operationId.split('_');
      const controller = controllers.get(controllerName);
      const handler = controller?.prototype[handlerName] as Handler | undefined;
      if (!controller || !handler)
        throw new Error(`No controller handler for ${method.toUpperCase()} ${path} (${operationId})`);
      const metadata = <T>(key: string): T | undefined =>
        (Reflect.getMetadata(key, handler) as T | undefined) ??
        (Reflect.getMetadata(key, controller) as T | undefined);
      routes.push({
        method: method.toUpperCase() as HttpMethod,
        path,
        operationId,
        isPublic: metadata<boolean>(IS_PUBLIC) === true,
        roles: metadata<Role[]>(REQUIRED_ROLES) ?? [],
        acceptsQueryToken: metadata<boolean>(ACCEPTS_QUERY_TOKEN) === true,
        params: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
      });
    }
  }

  const documented = new Set(routes.map((route) => route.operationId));
  const undocumented = routedHandlers(controllers).filter((id) => !documented.has(id));
  if (undocumented.length > 0)
    throw new Error(`Routed handlers missing from /docs-json: ${undocumented.join(', ')}`);
  return routes;
}

/** The route's path with each `{placeholder}` replaced (values are inserted as given: encode them first). */
export function fillPath(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for {${name}} in ${route.path}`);
    return value;
  });
}

export const isWebhook = (route: Route) => route.path.startsWith('/api/v1/webhooks/');
