package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Simulation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulate panel's router URLs as typed: client endpoints separated by commas or whitespace,
 * blank for the router the console is attached to.
 */
final class RouterUrls {

    private RouterUrls() {
    }

    /**
     * The URLs in {@code text}, in order; empty when it is blank.
     *
     * @throws IllegalArgumentException naming the first URL that is not a {@code ws://} or
     *                                  {@code wss://} URL with a host, or one given twice
     */
    static List<URI> parse(String text) {
        List<URI> urls = new ArrayList<>();
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        for (String part : trimmed.split("[,\\s]+")) {
            urls.add(url(part));
        }
        return Simulation.checkUrls(urls);
    }

    private static URI url(String text) {
        try {
            URI url = new URI(text);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("ws") || scheme.equals("wss")) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // said below, as for any other URL that is not a client endpoint
        }
        throw new IllegalArgumentException("not a ws:// or wss:// URL: " + text);
    }
}
