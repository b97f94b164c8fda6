// The dashboard's one client of the OPA REST API (docs/api.md). Views never call fetch directly.
import type {
  DumpEntry,
  EndpointSummary,
  ErrorEvent,
  ErrorGroup,
  HttpGroup,
  LiveEvent,
  LiveType,
  LogEntry,
  NPlusOnePage,
  Page,
  Sampling,
  ServiceSummary,
  SqlGroup,
  Stats,
  Timeseries,
  TraceDetail,
  TraceSummary,
} from './types';

export * from './types';

export interface TimeRange {
  from: number;
  to: number;
}

export interface Paging {
  limit?: number;
  offset?: number;
}

export interface TraceQuery extends Paging {
  service?: string;
  name?: string;
  status?: 'ok' | 'error';
  min_ms?: number;
  max_ms?: number;
  tag?: string[];
  q?: string;
  sort?: 'time' | 'duration';
  order?: 'desc' | 'asc';
}

export interface LogQuery extends Paging {
  service?: string;
  level?: string;
  q?: string;
  trace_id?: string;
}

type ParamValue = string | number | undefined | null | string[];
export type Params = Record<string, ParamValue>;

/** Thrown for every non-2xx answer; `message` is the API's `error` text when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

const TOKEN_KEY = 'opa.api.token';

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Builds `?a=1&tag=x&tag=y`, leaving out empty values; repeated keys for arrays. */
export function queryString(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.filter((v) => v !== '').forEach((v) => search.append(key, v));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Tenant (organisation, project) every request is scoped to; the API defaults apply when unset. */
export interface Tenant {
  org: string;
  project: string;
}

export const DEFAULT_TENANT: Tenant = { org: 'default-org', project: 'default-project' };
const TENANT_KEY = 'opa.tenant';

export function getTenant(): Tenant {
  try {
    const stored = JSON.parse(localStorage.getItem(TENANT_KEY) ?? 'null');
    if (stored && typeof stored.org === 'string' && typeof stored.project === 'string') return stored;
  } catch {
    // unreadable: fall back to the defaults
  }
  return DEFAULT_TENANT;
}

export function setTenant(tenant: Tenant | null): void {
  const isDefault = !tenant || (tenant.org === DEFAULT_TENANT.org && tenant.project === DEFAULT_TENANT.project);
  if (isDefault) localStorage.removeItem(TENANT_KEY);
  else localStorage.setItem(TENANT_KEY, JSON.stringify(tenant));
}

/** org/project parameters, only when they differ from the API's defaults. */
function tenantParams(): Params {
  const tenant = getTenant();
  return tenant === DEFAULT_TENANT ? {} : { org: tenant.org, project: tenant.project };
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
  onerror: ((event: Event) => void) | null;
  onopen: ((event: Event) => void) | null;
}

export class ApiClient {
  constructor(
    private readonly base = '',
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly eventSourceFactory: (url: string) => EventSourceLike = (url) => new EventSource(url),
  ) {}

  private async request<T>(method: string, path: string, params: Params = {}, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchImpl(`${this.base}${path}${queryString({ ...tenantParams(), ...params })}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new ApiError(response.status, await errorText(response));
    return (await response.json()) as T;
  }

  private get<T>(path: string, params?: Params): Promise<T> {
    return this.request<T>('GET', path, params);
  }

  services(range: TimeRange): Promise<Page<ServiceSummary>> {
    return this.get('/api/services', { ...range });
  }

  serviceTimeseries(service: string, range: TimeRange, interval?: number): Promise<Timeseries> {
    return this.get(`/api/services/${enc(service)}/timeseries`, { ...range, interval });
  }

  endpoints(
    service: string,
    range: TimeRange,
    sort: 'requests' | 'p95' | 'errors' | 'name' = 'requests',
  ): Promise<Page<EndpointSummary>> {
    return this.get(`/api/services/${enc(service)}/endpoints`, { ...range, sort });
  }

  traces(range: TimeRange, query: TraceQuery = {}): Promise<Page<TraceSummary>> {
    return this.get('/api/traces', { ...range, ...query });
  }

  trace(traceId: string): Promise<TraceDetail> {
    return this.get(`/api/traces/${enc(traceId)}`);
  }

  keepTrace(traceId: string): Promise<{ trace_id: string; kept: boolean }> {
    return this.request('POST', `/api/traces/${enc(traceId)}/keep`);
  }

  sql(
    range: TimeRange,
    query: Paging & { service?: string; sort?: 'total' | 'count' | 'avg' | 'p95' } = {},
  ): Promise<Page<SqlGroup>> {
    return this.get('/api/sql', { ...range, ...query });
  }

  nPlusOne(range: TimeRange, query: { service?: string; threshold?: number } = {}): Promise<NPlusOnePage> {
    return this.get('/api/sql/n-plus-one', { ...range, ...query });
  }

  http(range: TimeRange, query: Paging & { service?: string } = {}): Promise<Page<HttpGroup>> {
    return this.get('/api/http', { ...range, ...query });
  }

  errors(range: TimeRange, query: Paging & { service?: string } = {}): Promise<Page<ErrorGroup>> {
    return this.get('/api/errors', { ...range, ...query });
  }

  errorInstances(fingerprint: string, range: TimeRange, paging: Paging = {}): Promise<Page<ErrorEvent>> {
    return this.get(`/api/errors/${enc(fingerprint)}`, { ...range, ...paging });
  }

  logs(range: TimeRange, query: LogQuery = {}): Promise<Page<LogEntry>> {
    return this.get('/api/logs', { ...range, ...query });
  }

  dumps(range: TimeRange, query: Paging & { service?: string; trace_id?: string } = {}): Promise<Page<DumpEntry>> {
    return this.get('/api/dumps', { ...range, ...query });
  }

  sampling(): Promise<Sampling> {
    return this.get('/api/sampling');
  }

  setSampling(rate: number): Promise<Sampling> {
    return this.request('PUT', '/api/sampling', {}, { rate });
  }

  stats(): Promise<Stats> {
    return this.get('/api/stats');
  }

  /** Opens the Server-Sent Events stream; returns a function that closes it. */
  live(types: LiveType[], onEvent: (event: LiveEvent) => void, onError?: () => void, onOpen?: () => void): () => void {
    const source = this.eventSourceFactory(
      `${this.base}/api/live${queryString({ ...tenantParams(), types: types.join(','), token: getToken() })}`,
    );
    for (const type of types) {
      source.addEventListener(type, (message) => {
        try {
          onEvent({ type, data: JSON.parse(message.data) } as LiveEvent);
        } catch {
          // A malformed event is skipped; the stream itself stays open.
        }
      });
    }
    source.onerror = () => onError?.();
    source.onopen = () => onOpen?.();
    return () => source.close();
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: fall through to the status text
  }
  return `${response.status} ${response.statusText || 'request failed'}`.trim();
}

export const api = new ApiClient();
