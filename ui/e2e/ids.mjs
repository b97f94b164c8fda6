// Known trace ids and names the seed sends and the end-to-end tests assert on.
export const IDS = {
  big: 'e2e0000000000000000000000000000b', // GET /reports/monthly, 10,000 call nodes
  nPlusOne: 'e2e0000000000000000000000000001a', // GET /orders/{id}, 25 × the same SELECT + a dump
  error: 'e2e000000000000000000000000000e1', // POST /checkout, 500, payment error + logs
  fast: 'e2e000000000000000000000000000f1', // GET /products/{id}, 45 ms
  slow: 'e2e000000000000000000000000000f2', // GET /products/{id}, 480 ms (recommendations got slow)
  live: 'e2e000000000000000000000000000a1', // sent while the Live page is open
  otherTenant: 'e2e000000000000000000000000000c1', // GET /acme in organisation acme, project webshop
};

export const OTHER_TENANT = { org: 'acme', project: 'webshop', service: 'acme-storefront', log: 'acme: stock sync delayed' };

// Unsampled requests of billing-api (root summaries): 4 statements taking 6 ms each, in their RED tags only.
export const SUMMARY = { route: '/health', requests: 3, sqlCount: 4, sqlMs: '6.000' };

export const SERVICES = { web: 'shop-web', billing: 'billing-api' };
export const BIG_CALL_NODES = 10_000;
export const N_PLUS_ONE_REPEATS = 25;
