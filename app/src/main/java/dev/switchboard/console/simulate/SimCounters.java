package dev.switchboard.console.simulate;

import java.net.URI;

/**
 * What a {@link VirtualUser} reports to its simulation: counts, latencies and problems. The
 * simulation adds them up (thread-safe: every user calls it from its connections' threads).
 */
interface SimCounters {

    void sent();

    /** A replayed frame of {@code type} ({@code (unparsed)} for one that is no message) went out. */
    void sentType(String type);

    /** An {@code error} with {@code code} answered a replayed frame of {@code type}. */
    void errorOfType(String type, String code);

    void received();

    /** An answer to a {@code ping}, after {@code nanos}. */
    void ping(long nanos);

    /** The {@code message_ack} of a {@code user_message} or {@code start_agent}, after {@code nanos}. */
    void ack(long nanos);

    /** Any other reply, after {@code nanos}. */
    void reply(long nanos);

    /** An {@code error} frame with {@code code}; unexpected when the scenario does not list the code. */
    void error(String code, boolean unexpected);

    void runStarted();

    /** A run's {@code agent_started}, {@code nanos} after its message went out. */
    void firstEvent(long nanos);

    /** A run's {@code agent_completed} with {@code status}, {@code nanos} after its message went out. */
    void runEnded(String status, long nanos);

    /** A run whose events broke the contract (order, or events after its end). */
    void runOutOfOrder();

    /** A completed run without every kind of event. */
    void runMissingEvents();

    /** Runs still going at the end that never ended on the connection that started them. */
    void runsIncomplete(long count);

    /**
     * Runs still going at the end that ended on the connection that started them but not on
     * every other connection of their user that was open when they started.
     */
    void runsNotOnEveryConnection(long count);

    /** Messages still unanswered at the end. */
    void unanswered(long count);

    /** A message or run cut off by its connection closing. */
    void interrupted();

    /** The user received what belongs to another user. */
    void isolationViolation(String problem);

    /** A connection to {@code url} (one of the simulation's client endpoints) opened. */
    void connectionOpened(URI url);

    void connectionFailed(String group, String user, URI url, String why);

    /** The router at {@code url} closed a connection, or it broke. */
    void connectionLost(String group, String user, URI url, String how);

    /** A reconnect attempt starts. */
    void reconnect();

    /** Something a reader of the report should see (kept up to a limit). */
    void problem(String what);
}
