package dev.switchboard.router.connections;

/** Hears about connections opening and closing. Called on the thread that opened or closed them. */
public interface ConnectionListener {

    /** A connection opened. */
    default void opened(ConnectionInfo connection) {
    }

    /** A connection closed; {@code lastOfUser} is true when the user has no connection left. */
    default void closed(ConnectionInfo connection, boolean lastOfUser) {
    }
}
