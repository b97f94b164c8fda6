package dev.opa.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathTemplaterTest {

    @Test
    void idLikeSegmentsBecomePlaceholders() {
        assertEquals(new PathTemplater.Target("api.example.com", "/v1/orders/{id}/items/{id}"),
                PathTemplater.of("https://api.example.com/v1/orders/12345/items/550e8400-e29b-41d4-a716-446655440000?x=1"));
        assertEquals(new PathTemplater.Target("svc:8080", "/blobs/{id}/v2"),
                PathTemplater.of("http://svc:8080/blobs/deadbeef00112233/v2"));
        assertEquals("/users/me/settings", PathTemplater.template("/users/me/settings"));
        assertEquals("/cafe", PathTemplater.template("/cafe"), "short words that happen to be hex stay");
    }

    @Test
    void unparsableUrlsKeepTheirPath() {
        assertEquals(new PathTemplater.Target("", "/a b/{id}"), PathTemplater.of("/a b/17?q"));
    }
}
