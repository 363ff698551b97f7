package dev.switchboard.router.handlers;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageRejected;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** {@code ping}, {@code heartbeat} and {@code typing}: the messages that keep a session alive. */
final class LivenessHandlers {
    private final Clock clock;
    /** The last {@code server_time} written: formatting an instant costs more than the rest of a ping. */
    private volatile Stamp stamp = new Stamp(Long.MIN_VALUE, "");
    /** Always three fraction digits ({@code Instant.toString} drops them on whole seconds). */
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private record Stamp(long millis, String text) {
    }

    LivenessHandlers(Clock clock) {
        this.clock = clock;
    }

    void registerWith(HandlerRegistry registry) {
        registry.registerBuiltIn(MessageType.PING, this::ping);
        registry.registerBuiltIn(MessageType.HEARTBEAT, this::heartbeat);
        registry.registerBuiltIn(MessageType.TYPING, LivenessHandlers::typing);
    }

    private void ping(MessageContext context, ClientMessage message) {
        context.reply(ServerEvent.builder(EventType.PONG).put("server_time", serverTime()).build());
    }

    private void heartbeat(MessageContext context, ClientMessage message) {
        context.reply(ServerEvent.builder(EventType.HEARTBEAT_ACK)
                .put("server_time", serverTime()).build());
    }

    /** Now to the millisecond, ISO-8601 in UTC; formatted once per millisecond. */
    private String serverTime() {
        long now = clock.millis();
        Stamp last = stamp;
        if (last.millis() != now) {
            last = new Stamp(now, MILLIS.format(Instant.ofEpochMilli(now)));
            stamp = last;
        }
        return last.text();
    }

    private static void typing(MessageContext context, ClientMessage message) {
        String state = message.payloadText("state");
        if (!"start".equals(state) && !"stop".equals(state)) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.state must be \"start\" or \"stop\"");
        }
    }
}
