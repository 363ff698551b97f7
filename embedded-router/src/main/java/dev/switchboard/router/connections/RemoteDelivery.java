package dev.switchboard.router.connections;

/**
 * Where an event for a user goes beyond this node: the cluster hands it to the other nodes that
 * hold a connection of the user. Called on the emitting thread after local delivery; it must not
 * block (a node that cannot forward counts the event as undelivered and returns).
 */
@FunctionalInterface
public interface RemoteDelivery {
    /** Delivery to this node only. */
    RemoteDelivery NONE = (userId, frame) -> { };

    /** Forwards an encoded event frame to the user's connections on other nodes. */
    void forward(String userId, String frame);
}
