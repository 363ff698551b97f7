/**
 * What the transport offers to the parts that watch or extend it, without depending on them: a
 * side endpoint on the WebSocket port ({@link dev.switchboard.router.hooks.SideEndpoint}, the
 * monitor's {@code /monitor}) and a listener to client traffic
 * ({@link dev.switchboard.router.hooks.TrafficListener}, the monitor feed). The transport and the
 * monitor both depend on this package and never on each other; {@code Router} plugs one into the
 * other.
 */
package dev.switchboard.router.hooks;
