// Shown on an empty store: how to get data into the agent.
export function GettingStarted() {
  return (
    <div className="getting-started" data-testid="getting-started">
      <h2>No data yet — connect your PHP application</h2>
      <p>The agent is running and waiting for profiling data. To send some:</p>
      <ol>
        <li>
          Build and install the extension from <code>php-ext/</code> (needs <code>php-dev</code> and{' '}
          <code>liblz4-dev</code>, <code>libssl-dev</code>):
          <pre>{`cd php-ext && phpize && ./configure && make && sudo make install`}</pre>
        </li>
        <li>
          Enable it in <code>php.ini</code> (or a <code>conf.d</code> file) and point it at this agent:
          <pre>{`extension=opa.so
opa.enabled=1
; the agent's Unix socket (agent setting OPA_SOCKET_PATH, default /tmp/opa.sock) ...
opa.socket_path=/tmp/opa.sock
; ... or its TCP listener (OPA_TCP_LISTEN, default 127.0.0.1:9090)
; opa.socket_path=127.0.0.1:9090
opa.service_name=my-shop
; keep every request while you try it out
opa.sampling_rate=1.0`}</pre>
        </li>
        <li>Restart PHP-FPM (or your web server) and load a few pages of your site.</li>
        <li>Traces appear here within a few seconds; errors, logs and dumps on their own pages.</li>
      </ol>
      <p className="muted">
        Anything that speaks the wire protocol (JSON lines over the socket) can send data too — see
        the protocol document in the repository.
      </p>
    </div>
  );
}
