package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Simulation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The simulate panel's router URLs as typed: client endpoints separated by commas or whitespace,
 * blank for the router the console is attached to.
 */
final class RouterUrls {
    /** The names of this machine's loopback, as a URL's host (IPv6 without its brackets). */
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "0.0.0.0");

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

    /**
     * Whether two client endpoints name the same router on this machine: the same port and path,
     * and the same host or two names of the loopback ({@code localhost}, {@code 127.0.0.1},
     * {@code ::1}, or {@code 0.0.0.0}, which a router listening everywhere answers on). No DNS.
     */
    static boolean sameEndpoint(URI a, URI b) {
        if (a.getPort() != b.getPort() || !path(a).equals(path(b))) {
            return false;
        }
        String hostA = host(a);
        String hostB = host(b);
        return hostA.equals(hostB) || LOOPBACK.contains(hostA) && LOOPBACK.contains(hostB);
    }

    private static String host(URI url) {
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String path(URI url) {
        return url.getPath() == null ? "" : url.getPath();
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
