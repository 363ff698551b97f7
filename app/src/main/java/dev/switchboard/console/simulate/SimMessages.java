package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The frames a virtual user sends: one per type of the scenario's mix, with content of the group's length. */
final class SimMessages {

    private SimMessages() {
    }

    /**
     * @param type         the message type, from the mix
     * @param messageId    {@code <user>-<n>}: replies carry it back as {@code reply_to}
     * @param user         the sending user
     * @param seq          the user's message number
     * @param contentChars how long content is
     */
    static String message(String type, String messageId, String user, int seq, int contentChars) {
        ObjectNode message = JsonNodeFactory.instance.objectNode().put("type", type).put("message_id", messageId);
        switch (type) {
            case "user_message", "validate_content" -> message.putObject("payload")
                    .put("content", content(user, seq, contentChars));
            case "start_agent" -> {
                ObjectNode payload = message.putObject("payload").put("content", content(user, seq, contentChars));
                payload.putArray("tools").add("web_search");
            }
            case "typing" -> message.putObject("payload").put("state", "start");
            default -> {
            }
        }
        return message.toString();
    }

    private static String content(String user, int seq, int chars) {
        StringBuilder text = new StringBuilder("Question ").append(seq).append(" from ").append(user)
                .append(": how is routing today?");
        while (text.length() < chars) {
            text.append(" Please include the latest figures.");
        }
        text.setLength(Math.max(1, chars));
        return text.toString();
    }
}
