package dev.switchboard.console.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protocol.Decoded;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.transport.InProcessPipeline;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The router's inbound path in process, and its parts, against the least any JSON router does per
 * message. Every benchmark takes {@code ping} frames of {@code frameBytes} bytes from {@code users}
 * users in turn:
 * <ul>
 *   <li>{@link #pipeline}: size limit, decode, validation, classification, rate limits, dispatch
 *       queue, handler and encoded reply ({@link Router#inProcessPipeline}, the classes the socket
 *       server uses, on this thread; limits raised so every frame is routed);</li>
 *   <li>{@link #jsonOnly}: the baseline — parse the frame into a Jackson tree and write a reply;</li>
 *   <li>{@link #decode} and {@link #encodePong}: the codec's two halves alone.</li>
 * </ul>
 * Run by {@code bench --only pipeline} (three forks), or with JMH's own runner:
 * {@code java -cp app/target/switchboard-console.jar org.openjdk.jmh.Main PipelineBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PipelineBenchmark {
    private static final long HUGE = 1_000_000_000L;

    @Param("32")
    int users;

    @Param("256")
    int frameBytes;

    /**
     * The share of messages the pipeline traces: 0 by default, so that the figure stays the
     * pipeline's own and comparable across stops; {@code -p traceSample=0,0.01,1} shows what
     * tracing costs (src/docs/performance.md, "What tracing costs").
     */
    @Param("0")
    double traceSample;

    /** Traces the router keeps: its default; {@code -p traceRing=10} shows what keeping them costs. */
    @Param("10000")
    int traceRing;

    private String[] frames;
    private String[] userIds;
    private String[] connectionIds;
    private InProcessPipeline pipeline;
    private ObjectMapper mapper;
    private JsonCodec codec;
    private ServerEvent pong;
    private int next;
    private long replied;

    /** The router of the pipeline benchmark: dev auth, the default pipeline, every limit raised. */
    public static RouterConfig.Builder config() {
        RateLimit unlimited = new RateLimit(HUGE, HUGE);
        QueuePolicy defaults = QueuePolicy.defaults();
        return RouterConfig.builder().host("127.0.0.1").port(0).httpPort(-1).devAuth(true)
                .rateLimits(new RateLimitPolicy(unlimited, unlimited, unlimited, Map.of()))
                .queue(new QueuePolicy(1_000_000, 100_000, defaults.workers(), defaults.ttl()))
                .outboxLimit(100_000);
    }

    @Setup
    public void setUp() {
        frames = new String[users];
        userIds = new String[users];
        connectionIds = new String[users];
        String pad = "x".repeat(Math.max(0, frameBytes - 70));
        for (int i = 0; i < users; i++) {
            frames[i] = "{\"type\":\"ping\",\"message_id\":\"c" + i + "-1\",\"payload\":{\"pad\":\"" + pad + "\"}}";
            userIds[i] = "bench-" + i;
            connectionIds[i] = "c-bench-" + i;
        }
        Router router = Router.builder().config(config().traceSample(traceSample).traceRing(traceRing).build()).build();
        pipeline = router.inProcessPipeline(frame -> replied += frame.length());
        mapper = Json.mapper();
        codec = new JsonCodec();
        pong = ServerEvent.builder(EventType.PONG).put("server_time", "2026-11-30T00:00:00.000Z").build();
    }

    private int nextUser() {
        int user = next;
        next = user + 1 == users ? 0 : user + 1;
        return user;
    }

    @Benchmark
    public long pipeline() {
        int user = nextUser();
        pipeline.accept(userIds[user], connectionIds[user], frames[user]);
        return replied;
    }

    @Benchmark
    public String jsonOnly() throws IOException {
        JsonNode tree = mapper.readTree(frames[nextUser()]);
        return mapper.writeValueAsString(mapper.createObjectNode().put("type", "pong")
                .put("reply_to", tree.path("message_id").asText()));
    }

    @Benchmark
    public Decoded decode() {
        return codec.decode(frames[nextUser()]);
    }

    @Benchmark
    public String encodePong() {
        return codec.encode(pong, "c" + nextUser() + "-1");
    }
}
