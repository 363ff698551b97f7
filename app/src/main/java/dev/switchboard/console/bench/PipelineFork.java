package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.transport.InProcessPipeline;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * One fork of the in-process measurement, in its own JVM so that one workload's JIT profile never
 * shapes another's (the way JMH forks): {@code pipeline} runs ping frames through the router's
 * pipeline, {@code json} only parses each frame and writes a reply (the baseline). Prints one line,
 * {@code RESULT <msg/s of each one-second round>}, after a warm-up round.
 * <p>
 * Arguments: {@code pipeline|json <users> <frame bytes> <rounds>}.
 */
public final class PipelineFork {
    private static long sink;

    private PipelineFork() {
    }

    public static void main(String[] args) {
        String workload = args[0];
        int users = Integer.parseInt(args[1]);
        int frameBytes = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String[] frames = new String[users];
        String[] userIds = new String[users];
        String[] connectionIds = new String[users];
        String pad = "x".repeat(Math.max(0, frameBytes - 70));
        for (int i = 0; i < users; i++) {
            frames[i] = "{\"type\":\"ping\",\"message_id\":\"c" + i + "-1\",\"payload\":{\"pad\":\"" + pad + "\"}}";
            userIds[i] = "bench-" + i;
            connectionIds[i] = "c-bench-" + i;
        }
        IntConsumer step;
        if (workload.equals("pipeline")) {
            Router router = Router.builder().config(Bench.benchConfig().build()).build();
            InProcessPipeline pipeline = router.inProcessPipeline(frame -> sink += frame.length());
            step = i -> pipeline.accept(userIds[i % users], connectionIds[i % users], frames[i % users]);
        } else {
            ObjectMapper mapper = Json.mapper();
            step = i -> {
                try {
                    JsonNode tree = mapper.readTree(frames[i % users]);
                    sink += mapper.writeValueAsString(mapper.createObjectNode().put("type", "pong")
                            .put("reply_to", tree.path("message_id").asText())).length();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
        }
        double[] perSecond = rounds(step, rounds);
        System.out.println("RESULT " + String.join(" ", Arrays.stream(perSecond)
                .mapToObj(value -> String.format(Locale.ROOT, "%.0f", value)).toList()) + " (sink " + (sink & 1) + ")");
    }

    /** One warm-up round, then {@code count} one-second rounds; messages a second per round. */
    static double[] rounds(IntConsumer step, int count) {
        double[] perSecond = new double[count];
        for (int round = -1; round < count; round++) {
            long start = System.nanoTime();
            long until = start + 1_000_000_000L;
            int done = 0;
            long now;
            do {
                for (int i = 0; i < 1_000; i++) {
                    step.accept(done++);
                }
                now = System.nanoTime();
            } while (now < until);
            if (round >= 0) {
                perSecond[round] = done / ((now - start) / 1e9);
            }
        }
        return perSecond;
    }
}
