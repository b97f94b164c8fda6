package dev.opa.agent.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Header;

/**
 * Bearer-token check for /api (opa.api.token). An empty token disables the check; the comparison is
 * constant-time so the token cannot be guessed byte by byte from response times.
 */
public final class ApiAuth {

    private final byte[] token;

    public ApiAuth(String token) {
        this.token = token == null ? new byte[0] : token.strip().getBytes(StandardCharsets.UTF_8);
    }

    public boolean enabled() {
        return token.length > 0;
    }

    /** Throws {@link UnauthorizedException} unless the Authorization header carries the token. */
    public void check(@Header("Authorization") String authorization) {
        String presented = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).strip();
        }
        if (!accepts(presented)) {
            throw new UnauthorizedException();
        }
    }

    /** Whether a presented token (header or, for the live stream, ?token=) is acceptable. */
    public boolean accepts(String presented) {
        if (!enabled()) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    }
}
