package dev.switchboard.router.handlers;

import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.RemoteRuns;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.quality.QualityTracker;
import dev.switchboard.router.routing.AdmissionCheck;
import dev.switchboard.router.routing.MessageRouter;
import java.time.Clock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Registers every built-in handler of protocol v1 with a router. */
public final class BuiltInHandlers {

    private BuiltInHandlers() {
    }

    /** Registers the built-in handlers; custom handlers registered later take precedence. */
    public static void register(MessageRouter router, JsonCodec codec, AgentRuns runs, QualityTracker quality,
                                Clock clock, AdmissionCheck batchElementAdmission, Predicate<String> connectionOpen,
                                Supplier<RemoteRuns> remoteRuns) {
        new LivenessHandlers(clock).registerWith(router.registry());
        new AgentHandlers(runs, connectionOpen, remoteRuns).registerWith(router.registry());
        new QualityHandlers(quality).registerWith(router.registry());
        router.registry().registerBuiltIn(MessageType.BATCH, new BatchHandler(codec, router, batchElementAdmission));
    }
}
