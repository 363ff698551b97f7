package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;

/**
 * Decides, before dispatch, whether a message may be routed (rate limits, readiness). Runs for
 * every message, batch elements included, so it must be cheap and must not block.
 */
@FunctionalInterface
public interface AdmissionCheck {

    /** Admits every message. */
    AdmissionCheck ADMIT_ALL = (context, message) -> { };

    /** Returns normally to admit the message; throws {@link RouteRejection} to refuse it. */
    void admit(MessageContext context, ClientMessage message);
}
