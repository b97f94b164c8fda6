import { ApiClient, ApiError, getTenant, queryString, setTenant, setToken, type EventSourceLike } from './client';

interface Call {
  url: string;
  init?: RequestInit;
}

function fakeFetch(status: number, body: unknown, calls: Call[]) {
  return async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, statusText: status === 502 ? 'Bad Gateway' : '' });
  };
}

describe('queryString', () => {
  it('drops empty values and repeats array keys', () => {
    expect(queryString({ a: 1, b: undefined, c: '', d: null, tag: ['x:1', 'y:2', ''] })).toBe('?a=1&tag=x%3A1&tag=y%3A2');
    expect(queryString({})).toBe('');
  });
});

describe('ApiClient', () => {
  const range = { from: 1000, to: 2000 };

  it('sends the time range, filters and paging of a trace search', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('', fakeFetch(200, { items: [], total: 0 }, calls));
    await client.traces(range, { service: 'shop web', status: 'error', min_ms: 100, tag: ['region:eu'], sort: 'duration', limit: 50, offset: 100 });
    const url = new URL(calls[0].url, 'http://x');
    expect(url.pathname).toBe('/api/traces');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      from: '1000', to: '2000', service: 'shop web', status: 'error', min_ms: '100', tag: 'region:eu', sort: 'duration', limit: '50', offset: '100',
    });
    expect(calls[0].init?.method).toBe('GET');
  });

  it('encodes path segments', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('/base', fakeFetch(200, { interval: 60, items: [] }, calls));
    await client.serviceTimeseries('a/b c', range, 30);
    expect(calls[0].url).toBe('/base/api/services/a%2Fb%20c/timeseries?from=1000&to=2000&interval=30');
  });

  it('adds the bearer token when one is stored', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('', fakeFetch(200, { rate: 0.5 }, calls));
    await client.sampling();
    expect((calls[0].init?.headers as Record<string, string>).Authorization).toBeUndefined();
    setToken('s3cret');
    await client.sampling();
    expect((calls[1].init?.headers as Record<string, string>).Authorization).toBe('Bearer s3cret');
  });

  it('scopes every request to the chosen tenant, and sends no tenant for the defaults', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('', fakeFetch(200, { items: [], total: 0 }, calls));
    await client.services(range);
    expect(calls[0].url).toBe('/api/services?from=1000&to=2000');
    setTenant({ org: 'acme', project: 'shop' });
    expect(getTenant()).toEqual({ org: 'acme', project: 'shop' });
    await client.services(range);
    expect(calls[1].url).toBe('/api/services?org=acme&project=shop&from=1000&to=2000');
    setTenant({ org: 'default-org', project: 'default-project' });
    await client.services(range);
    expect(calls[2].url).toBe('/api/services?from=1000&to=2000');
    localStorage.setItem('opa.tenant', '{broken');
    expect(getTenant()).toEqual({ org: 'default-org', project: 'default-project' });
  });

  it('PUTs JSON bodies', async () => {
    const calls: Call[] = [];
    const client = new ApiClient('', fakeFetch(200, { rate: 0.25 }, calls));
    expect(await client.setSampling(0.25)).toEqual({ rate: 0.25 });
    expect(calls[0].init?.method).toBe('PUT');
    expect(calls[0].init?.body).toBe('{"rate":0.25}');
    expect((calls[0].init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('turns API errors into ApiError with the server message', async () => {
    const client = new ApiClient('', fakeFetch(400, { error: 'min_ms must be a number' }, []));
    await expect(client.traces(range)).rejects.toMatchObject({ status: 400, message: 'min_ms must be a number' });
    const unauthorized = new ApiClient('', fakeFetch(401, { error: 'unauthorized' }, []));
    const err = await unauthorized.stats().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.unauthorized).toBe(true);
    const proxy = new ApiClient('', fakeFetch(502, '<html>bad gateway</html>', []));
    await expect(proxy.stats()).rejects.toMatchObject({ status: 502, message: '502 Bad Gateway' });
  });

  it('subscribes to the live stream, parses events, skips malformed ones and closes', () => {
    const listeners: Record<string, (e: MessageEvent) => void> = {};
    let opened = '';
    let closed = false;
    const source: EventSourceLike = {
      addEventListener: (type, listener) => (listeners[type] = listener),
      close: () => (closed = true),
      onerror: null,
      onopen: null,
    };
    setToken('tok');
    const client = new ApiClient('', fakeFetch(200, {}, []), (url) => {
      opened = url;
      return source;
    });
    const events: unknown[] = [];
    let errors = 0;
    let opened2 = 0;
    const close = client.live(['trace', 'log'], (e) => events.push(e), () => errors++, () => opened2++);
    source.onopen?.(new Event('open'));
    expect(opened2).toBe(1);
    expect(opened).toBe('/api/live?types=trace%2Clog&token=tok');
    listeners.trace(new MessageEvent('trace', { data: '{"trace_id":"abc"}' }));
    listeners.log(new MessageEvent('log', { data: 'not json' }));
    source.onerror?.(new Event('error'));
    expect(events).toEqual([{ type: 'trace', data: { trace_id: 'abc' } }]);
    expect(errors).toBe(1);
    close();
    expect(closed).toBe(true);
  });
});
