package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.ConnectionPage;

/**
 * A page of one node's open connections (the monitor command {@code connections}).
 *
 * @param nodeId the node that answered, or null for a router alone
 * @param page   its answer
 */
public record NodePage(String nodeId, ConnectionPage page) {
}
