package dev.switchboard.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageRouterTest {
    private final HandlerRegistry registry = new HandlerRegistry();
    private final RoutingStats stats = new RoutingStats();
    private final MessageRouter router = new MessageRouter(registry, stats);

    /** Records what a handler answered. */
    static final class RecordingContext implements MessageContext {
        final List<String> answers = new ArrayList<>();

        @Override
        public String userId() {
            return "alice";
        }

        @Override
        public String connectionId() {
            return "c-1";
        }

        @Override
        public void reply(ServerEvent event) {
            answers.add(event.type());
        }

        @Override
        public void fail(ErrorCode code, String message, Map<String, Object> details) {
            answers.add("error:" + code.wire());
        }

        @Override
        public boolean answered() {
            return !answers.isEmpty();
        }

        @Override
        public MessageContext forMessage(ClientMessage message) {
            return this;
        }
    }

    private List<String> route(String type) {
        RecordingContext context = new RecordingContext();
        router.route(context, ClientMessage.of(type, null));
        return context.answers;
    }

    @Test
    void dispatchesByTypeAndCounts() {
        registry.registerBuiltIn("ping", (context, message) -> context.reply(ServerEvent.of("pong")));
        assertThat(route("ping")).containsExactly("pong");
        assertThat(stats.snapshot().byType()).containsEntry("ping", 1L);
        assertThat(stats.routed()).isEqualTo(1);
    }

    @Test
    void customHandlerTakesPrecedenceOverBuiltInUntilRemoved() {
        registry.registerBuiltIn("ping", (context, message) -> context.reply(ServerEvent.of("pong")));
        registry.register("ping", (context, message) -> context.reply(ServerEvent.of("custom_pong")));
        assertThat(route("ping")).containsExactly("custom_pong");
        assertThat(registry.unregister("ping")).isTrue();
        assertThat(route("ping")).containsExactly("pong");
        assertThat(registry.unregister("ping")).isFalse();
    }

    @Test
    void answersUnknownTypesAndCountsThemOnceWithoutGrowingPerTypeStats() {
        assertThat(route("made_up_1")).containsExactly("error:unknown_type");
        assertThat(route("made_up_2")).containsExactly("error:unknown_type");
        assertThat(stats.unhandledCount()).isEqualTo(2);
        assertThat(stats.snapshot().byType()).isEmpty();
    }

    @Test
    void turnsARejectionIntoItsErrorCodeAndAnExceptionIntoHandlerFailed() {
        registry.registerBuiltIn("picky", (context, message) -> {
            throw new MessageRejected(ErrorCode.NOT_FOUND, "nothing here");
        });
        registry.registerBuiltIn("broken", (context, message) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(route("picky")).containsExactly("error:not_found");
        assertThat(route("broken")).containsExactly("error:handler_failed");
        assertThat(stats.handlerErrors()).isEqualTo(1);
        assertThat(stats.snapshot().errorsByType()).containsEntry("broken", 1L).containsEntry("picky", 0L);
    }

    @Test
    void notifiesTypeListenersOncePerNewType() {
        List<String> types = new ArrayList<>();
        stats.onType(type -> types.add(type.type()));
        registry.registerBuiltIn("ping", (context, message) -> { });
        route("ping");
        route("ping");
        assertThat(types).containsExactly("ping");
    }

    @Test
    void tellsTheGuardHowLongEachHandlerTookByTheInjectedTicker() {
        ManualScheduler time = new ManualScheduler();
        MessageRouter timed = new MessageRouter(registry, stats, time);
        List<String> told = new ArrayList<>();
        timed.guard(new HandlerGuard() {
            @Override
            public boolean tryAcquire(String type) {
                return true;
            }

            @Override
            public void succeeded(String type, long nanos) {
                told.add(type + " ok " + Duration.ofNanos(nanos).toMillis());
            }

            @Override
            public void failed(String type, long nanos, Throwable failure) {
                told.add(type + " failed " + Duration.ofNanos(nanos).toMillis());
            }
        });
        registry.registerBuiltIn("slow", (context, message) -> time.advance(Duration.ofMillis(40)));
        registry.registerBuiltIn("slow_broken", (context, message) -> {
            time.advance(Duration.ofMillis(7));
            throw new IllegalStateException("boom");
        });
        timed.route(new RecordingContext(), ClientMessage.of("slow", null));
        timed.route(new RecordingContext(), ClientMessage.of("slow_broken", null));
        assertThat(told).containsExactly("slow ok 40", "slow_broken failed 7");
    }
}
