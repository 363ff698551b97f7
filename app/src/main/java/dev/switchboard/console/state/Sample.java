package dev.switchboard.console.state;

/**
 * One point of the overview's time series.
 *
 * @param atSeconds         the sample's time, seconds since the console started
 * @param messagesPerSecond routed messages a second
 * @param p99Ms reply latency p99 in milliseconds (a message's arrival to its answer written)
 * @param runsInFlight runs in flight
 */
public record Sample(double atSeconds, double messagesPerSecond, double p99Ms, int runsInFlight) {
}
