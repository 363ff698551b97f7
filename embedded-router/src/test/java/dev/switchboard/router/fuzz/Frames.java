package dev.switchboard.router.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** The families of generated frames: well-formed, mutated, random text, and sizes around the soft limit. */
final class Frames {
    /** Pieces of almost-JSON for token soup. */
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ":", ",", "\"", "\"type\"", "\"ping\"",
            "\"payload\"", "\"message_id\"", "\"jsonrpc\"", "\"2.0\"", "\"method\"", "\"id\"", "null", "true",
            "false", "0", "-1", "1e999", " ", "\\", "\\u", "x", "\"batch\"", "\"messages\"", "\n");

    private Frames() {
    }

    static Arbitrary<Frame> wellFormed() {
        return WellFormedMessages.any().map(message -> new Frame(message.toString(), "well-formed"));
    }

    /** A valid message with one to three structured changes. */
    static Arbitrary<Frame> mutated() {
        return Combinators.combine(WellFormedMessages.any(), Mutation.any().list().ofMinSize(1).ofMaxSize(3))
                .as((message, mutations) -> new Frame(Mutation.apply(message, mutations), "mutated " + mutations));
    }

    /** Random bytes read as UTF-8 or Latin-1, token soup, and arbitrary UTF-16 (lone surrogates included). */
    static Arbitrary<Frame> randomText() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        return Arbitraries.oneOf(
                bytes.map(b -> new Frame(new String(b, StandardCharsets.UTF_8), "random bytes as UTF-8")),
                bytes.map(b -> new Frame(new String(b, StandardCharsets.ISO_8859_1), "random bytes as Latin-1")),
                Arbitraries.of(TOKENS).list().ofMaxSize(60).map(t -> new Frame(String.join("", t), "token soup")),
                Arbitraries.strings().all().ofMaxLength(200).map(s -> new Frame(s, "random UTF-16")));
    }

    /** Frames of exactly {@code softLimit} - 2 to + 2 bytes, every filler and shape. */
    static Arbitrary<Frame> aroundSoftLimit(int softLimit) {
        return Combinators.combine(Arbitraries.integers().between(-2, 2), Arbitraries.of(SizedFrames.Filler.class),
                Arbitraries.of(SizedFrames.Shape.class)).as((delta, filler, shape) -> new Frame(
                SizedFrames.ofSize(softLimit + delta, filler, shape),
                "soft limit " + (delta >= 0 ? "+" : "") + delta + " bytes, " + filler + ", " + shape));
    }

    /** Every family, weighted towards the mutations. */
    static Arbitrary<Frame> any(int softLimit) {
        return Arbitraries.frequencyOf(
                Tuple.of(3, wellFormed()),
                Tuple.of(6, mutated()),
                Tuple.of(2, randomText()),
                Tuple.of(1, aroundSoftLimit(softLimit)));
    }
}
