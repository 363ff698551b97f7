package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;

/**
 * Admission, as seen from routing: whether a message may be routed (validation, rate limits). The
 * transport's {@code FrameIntake} runs the protection pipeline ({@code Protection.admit}) on every
 * frame; handlers that route further messages themselves (a batch's elements) run the same
 * pipeline through this interface, which the router implements with {@code Protection.admit}.
 * Must be cheap and must not block.
 */
@FunctionalInterface
public interface AdmissionCheck {

    /** Returns normally to admit the message; throws {@link MessageRejected} to refuse it. */
    void admit(MessageContext context, ClientMessage message);
}
