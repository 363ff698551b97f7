package dev.switchboard.router.support;

/** Frames built to hurt a parser, for the tests that make sure they do not. */
public final class HostileFrames {
    private HostileFrames() {
    }

    /**
     * A {@code ping} whose field {@code field} is an object of {@code count} (at most 2,048) names of
     * 22 characters that all hash alike: "Ab" and "BA" have one hash, so any string of eleven of
     * them collides with every other.
     */
    public static String collidingNames(String field, int count) {
        StringBuilder frame = new StringBuilder("{\"type\":\"ping\",\"message_id\":\"p-1\",\"" + field + "\":{");
        for (int i = 0; i < count; i++) {
            frame.append(i == 0 ? "\"" : ",\"");
            for (int bit = 0; bit < 11; bit++) {
                frame.append((i >> bit & 1) == 0 ? "Ab" : "BA");
            }
            frame.append("\":0");
        }
        return frame.append("}}").toString();
    }
}
