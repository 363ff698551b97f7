package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;

/**
 * Decides whether a message may be routed (validation, rate limits). The transport applies the
 * protection pipeline to every frame; handlers that route further messages themselves (a batch's
 * elements) apply it through this interface. Must be cheap and must not block.
 */
@FunctionalInterface
public interface AdmissionCheck {

    /** Returns normally to admit the message; throws {@link RouteRejection} to refuse it. */
    void admit(MessageContext context, ClientMessage message);
}
