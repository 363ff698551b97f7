package dev.switchboard.console.simulate;

import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.ServerEvent;
import java.util.concurrent.atomic.AtomicInteger;

/** A broken router for the isolation checks' tests. */
final class LeakingPing {

    private LeakingPing() {
    }

    /**
     * Makes {@code router} answer {@code ping}, and also stream a run's first event to the other of
     * the users {@code leaky-0} and {@code leaky-1}; {@code leaks} counts them. The leak is queued
     * before the pong, so it is out before the simulation can see its last answer and close.
     */
    static void install(Router router, AtomicInteger leaks) {
        router.registerHandler("ping", (context, message) -> {
            String victim = context.userId().equals("leaky-0") ? "leaky-1" : "leaky-0";
            router.emitToUser(victim, ServerEvent.builder("agent_started").put("run_id", "run-leak-" + leaks.incrementAndGet())
                    .put("seq", 1).build());
            context.reply(ServerEvent.of("pong"));
        });
    }
}
