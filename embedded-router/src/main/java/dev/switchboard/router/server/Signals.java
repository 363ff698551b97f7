package dev.switchboard.router.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a callback, so that {@code serve} can stop gracefully and exit 0 (a JVM
 * shutdown hook alone would exit 143). Uses {@code sun.misc.Signal}, the JDK's supported way for
 * this (module jdk.unsupported).
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        Signal.handle(new Signal("TERM"), signal -> action.run());
        Signal.handle(new Signal("INT"), signal -> action.run());
    }
}
