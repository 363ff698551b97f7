package dev.switchboard.router.handlers;

import dev.switchboard.router.agents.BackendDecision;
import dev.switchboard.router.agents.BackendTrace;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.trace.MessageTrace;

/**
 * A traced run's backend choice as steps of the trace of the message that started it: {@code backend}
 * when the run's backend is chosen, {@code retry} when that backend fails before the run starts.
 * Both come after the run's acknowledgement, on the launcher (so often after the message is
 * {@code done}); the trace keeps them, found by its message id or its run id.
 */
final class BackendSteps implements BackendTrace {
    private final MessageTrace trace;

    BackendSteps(MessageTrace trace) {
        this.trace = trace;
    }

    @Override
    public void chosen(BackendDecision decision, long startedNanos) {
        FieldMap.Builder detail = FieldMap.builder();
        detail.put("chosen", decision.chosen());
        detail.put("why", decision.why());
        detail.put("requested", decision.requested());
        detail.put("rollout", decision.rollout());
        detail.put("shadow", decision.shadow());
        putStrategy(detail, decision);
        trace.step("backend", startedNanos, detail.build());
    }

    @Override
    public void retried(String from, String failure, BackendDecision decision, long startedNanos) {
        FieldMap.Builder detail = FieldMap.builder();
        detail.put("from", from);
        detail.put("failure", failure);
        detail.put("to", decision.chosen());
        detail.put("why", decision.why());
        putStrategy(detail, decision);
        trace.step("retry", startedNanos, detail.build());
    }

    private static void putStrategy(FieldMap.Builder detail, BackendDecision decision) {
        detail.put("strategy", decision.strategy());
        detail.put("candidates", decision.candidates());
        detail.put("sticky", decision.sticky());
    }
}
