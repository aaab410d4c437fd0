/** Route table of the stand-in: method + path template → handler, with a request kind for counts. */
import { pathPattern, type Query, type StubRequest, type StubResponse } from '../http-kit';
import type { JiraSite } from './site';

/** What a request was, for benches and assertions ("how many searches did a sync run make?"). */
export type RequestKind =
  | 'search' | 'create' | 'bulkCreate' | 'comment' | 'transition' | 'transitionsList' | 'bulkTransition' | 'bulkProgress' | 'createmeta' | 'field' | 'other';

export interface JiraRequest extends StubRequest {
  params: Record<string, string>;
}

/** `violation`: the request breaks the API's rules (not just bad data) and is recorded as such. */
export type JiraResponse = StubResponse & { violation?: boolean };

type JiraHandler = (req: JiraRequest, site: JiraSite) => JiraResponse;

export interface Route {
  method: string;
  template: string;
  kind: RequestKind;
  handle: JiraHandler;
}

export interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly compiled: { route: Route; match: (path: string) => Record<string, string> | undefined }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, match: pathPattern(route.template) }));
  }

  find(method: string, path: string): MatchedRoute | undefined {
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const params = c.match(path);
      if (params) return { route: c.route, params };
    }
    return undefined;
  }

  /** Route label for the request log, e.g. `POST /rest/api/3/issue/bulk`. */
  label(method: string, path: string): string {
    const found = this.find(method, path);
    return found ? `${method} ${found.route.template}` : `${method} unmatched`;
  }

  kindOfLabel(label: string): RequestKind {
    const c = this.compiled.find((x) => `${x.route.method} ${x.route.template}` === label);
    return c?.route.kind ?? 'other';
  }
}

/** A query parameter that may repeat or be comma-separated, as a list. */
export function listParam(query: Query, name: string): string[] | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}
