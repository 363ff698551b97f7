package dev.switchboard.router.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** Monitors of a test router that has {@link #SECRET} as its JWT secret, and their commands. */
public final class Monitors {
    /** The JWT secret the router must have: {@code TestRouters.start(config -> config.jwtSecret(Monitors.SECRET))}. */
    public static final String SECRET = "monitor-test-secret-of-32-bytes-or-more-ok";
    private static final TokenService TOKENS = new TokenService(SECRET, Clock.systemUTC());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger IDS = new AtomicInteger();

    private Monitors() {
    }

    /** Opens {@code /monitor} as {@code subject} with {@code role} and waits for its snapshot. */
    public static WsClient open(Router router, String subject, Role role) {
        return WsClient.monitor(router.port(), TOKENS.mint(subject, role, Duration.ofMinutes(5)));
    }

    /** Sends a command of {@code type} with {@code fields} (a fresh {@code message_id} added); its answer. */
    public static JsonNode command(WsClient monitor, String type, UnaryOperator<ObjectNode> fields) {
        String id = type + "-" + IDS.incrementAndGet();
        monitor.send(fields.apply(JSON.createObjectNode().put("type", type).put("message_id", id)).toString());
        return monitor.awaitReply(id);
    }
}
