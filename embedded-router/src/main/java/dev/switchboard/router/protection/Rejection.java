package dev.switchboard.router.protection;

/**
 * A refused message: why, and a text for the sender that never quotes the content.
 *
 * @param reason the reason (and so the error code)
 * @param text   the error message
 */
public record Rejection(RejectReason reason, String text) {
}
