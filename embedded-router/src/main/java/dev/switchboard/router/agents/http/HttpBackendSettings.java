package dev.switchboard.router.agents.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * An agent backend of kind {@code http} as configured: where runs are posted, where health is asked,
 * the headers sent (values already read from the environment, never from the file), the four
 * timeouts and how many runs it may have at once.
 *
 * @param url          {@code POST} target of each run
 * @param healthUrl    {@code GET} every {@code healthInterval}, 2xx = healthy; null: always healthy
 * @param headers      extra request headers (an {@code Authorization} token, say)
 * @param connect      connecting to the service
 * @param firstEvent   from the request sent to the first event
 * @param idle         between two events or keep-alive comments
 * @param total        the whole run
 * @param maxInFlight  runs at once; more are refused as overloaded
 * @param healthInterval how often {@code healthUrl} is asked
 */
public record HttpBackendSettings(URI url, URI healthUrl, Map<String, String> headers, Duration connect,
                                  Duration firstEvent, Duration idle, Duration total, int maxInFlight,
                                  Duration healthInterval) {
    /** Events larger than this are cut to their first fields, with {@code "truncated": true}. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;

    public HttpBackendSettings {
        Objects.requireNonNull(url, "url must not be null");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("url must be http:// or https://, was " + url);
        }
        if (healthUrl != null && !"http".equals(healthUrl.getScheme()) && !"https".equals(healthUrl.getScheme())) {
            throw new IllegalArgumentException("health_url must be http:// or https://, was " + healthUrl);
        }
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        requirePositive(connect, "connect_ms");
        requirePositive(firstEvent, "first_event_ms");
        requirePositive(idle, "idle_ms");
        requirePositive(total, "total_ms");
        requirePositive(healthInterval, "health interval");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max_in_flight must be at least 1, was " + maxInFlight);
        }
    }

    /** The defaults of the docs: 2 s to connect, 10 s to the first event, 30 s idle, 120 s in all, 500 runs. */
    public static HttpBackendSettings of(URI url) {
        return new HttpBackendSettings(url, null, Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(120), 500, Duration.ofSeconds(5));
    }

    public HttpBackendSettings withHealthUrl(URI value) {
        return new HttpBackendSettings(url, value, headers, connect, firstEvent, idle, total, maxInFlight, healthInterval);
    }

    public HttpBackendSettings withHeaders(Map<String, String> value) {
        return new HttpBackendSettings(url, healthUrl, value, connect, firstEvent, idle, total, maxInFlight, healthInterval);
    }

    public HttpBackendSettings withTimeouts(Duration connectTimeout, Duration firstEventTimeout, Duration idleTimeout,
                                            Duration totalTimeout) {
        return new HttpBackendSettings(url, healthUrl, headers, connectTimeout, firstEventTimeout, idleTimeout,
                totalTimeout, maxInFlight, healthInterval);
    }

    public HttpBackendSettings withMaxInFlight(int value) {
        return new HttpBackendSettings(url, healthUrl, headers, connect, firstEvent, idle, total, value, healthInterval);
    }

    public HttpBackendSettings withHealthInterval(Duration value) {
        return new HttpBackendSettings(url, healthUrl, headers, connect, firstEvent, idle, total, maxInFlight, value);
    }

    /** The URL as shown to people: no user info, no query (where tokens hide). */
    public String safeUrl() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value.toMillis() + " ms");
        }
    }
}
