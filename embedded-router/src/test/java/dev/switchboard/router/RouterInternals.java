package dev.switchboard.router;

import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.transport.RouterSocketServer;

/** The parts a {@link Router} keeps to itself, for tests in other packages that check them. */
public final class RouterInternals {

    private RouterInternals() {
    }

    public static Protection protection(Router router) {
        return router.protection();
    }

    public static BackendPool backends(Router router) {
        return router.backends();
    }

    /** The WebSocket server once started, else null. */
    public static RouterSocketServer socketServer(Router router) {
        return router.socketServer();
    }
}
