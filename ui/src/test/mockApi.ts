// Replaces global fetch with a router over canned JSON answers, so component tests run the real
// API client. Records every request for assertions.
import { vi } from 'vitest';

export type Answer = unknown | ((url: URL, init?: RequestInit) => unknown);
export interface Recorded {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export class HttpError {
  constructor(
    readonly status: number,
    readonly body: unknown = { error: `status ${status}` },
  ) {}
}

/** `routes` keys are "METHOD /path" or "/path" (GET); the first exact path match answers. */
export function mockApi(routes: Record<string, Answer>): Recorded[] {
  const calls: Recorded[] = [];
  vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
    const url = new URL(input, 'http://localhost');
    const method = init?.method ?? 'GET';
    calls.push({ method, url, headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body as string | undefined });
    const key = routes[`${method} ${url.pathname}`] !== undefined ? `${method} ${url.pathname}` : url.pathname;
    let answer = method === 'GET' || key.startsWith(method) ? routes[key] : undefined;
    if (typeof answer === 'function') answer = (answer as (u: URL, i?: RequestInit) => unknown)(url, init);
    if (answer === undefined) return json(404, { error: 'not found' });
    if (answer instanceof HttpError) return json(answer.status, answer.body);
    return json(200, answer);
  });
  return calls;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
