/**
 * The monitor protocol's records: what {@code ws://host:port/monitor} and the embedded
 * {@link dev.switchboard.router.monitor.RouterFeed} send, written and read with the one
 * {@link dev.switchboard.router.protocol.Json} mapper by the router and by the console alike.
 * {@code src/docs/protocol.md} ("The monitor's records") lists each record, its fields and the frame
 * that carries it.
 */
package dev.switchboard.router.monitor.wire;
