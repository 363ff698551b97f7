package dev.switchboard.router.agents;

import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scripted agent that makes the five events visible and testable: it thinks, runs its tools one
 * after another, thinks again and answers, one step every {@code stepDelay}. The script is
 * deterministic for a given request; {@code failureRate} makes a share of runs fail at their last
 * tool. Steps are scheduled, never slept, so a few threads serve thousands of runs.
 */
public final class SimulatedAgent implements AgentExecutor {
    private static final List<String> DEFAULT_TOOLS = List.of("web_search", "summarize", "calculator", "code_runner");

    private final Settings settings;
    /** The executor behind {@link #scheduler} when this agent owns it (closed with the agent), else null. */
    private final ScheduledExecutorService ownExecutor;
    private final Scheduler scheduler;
    private final Ticker ticker;

    /**
     * How the simulated agent behaves.
     *
     * @param name          the agent's name
     * @param stepDelay     time between two events of a run
     * @param thinkingSteps {@code agent_thinking} events before the tools (one more follows them)
     * @param toolCount     tools per run when the request names none
     * @param failureRate   share of runs, 0 to 1, that fail at their last tool
     * @param warmUp        how long warm-up takes (the router is not ready before)
     * @param seed          seed of the failure draw, for repeatable runs
     */
    public record Settings(String name, Duration stepDelay, int thinkingSteps, int toolCount, double failureRate,
                           Duration warmUp, long seed) {
        public Settings {
            Objects.requireNonNull(name, "name must not be null");
            Objects.requireNonNull(stepDelay, "stepDelay must not be null");
            Objects.requireNonNull(warmUp, "warmUp must not be null");
            if (stepDelay.isNegative() || warmUp.isNegative()) {
                throw new IllegalArgumentException("stepDelay and warmUp must not be negative");
            }
            if (thinkingSteps < 1 || toolCount < 1 || toolCount > 16) {
                throw new IllegalArgumentException("thinkingSteps must be at least 1 and toolCount 1 to 16");
            }
            if (failureRate < 0 || failureRate > 1) {
                throw new IllegalArgumentException("failureRate must be between 0 and 1");
            }
        }

        /** The defaults: 150 ms steps, one thought before the tools and one after, one tool, no failures, no warm-up (a run takes ~0.8 s). */
        public static Settings defaults() {
            return new Settings("simulated", Duration.ofMillis(150), 1, 1, 0.0, Duration.ZERO, 42L);
        }

        public Settings withStepDelay(Duration delay) {
            return new Settings(name, delay, thinkingSteps, toolCount, failureRate, warmUp, seed);
        }

        public Settings withFailureRate(double rate) {
            return new Settings(name, stepDelay, thinkingSteps, toolCount, rate, warmUp, seed);
        }

        public Settings withToolCount(int count) {
            return new Settings(name, stepDelay, thinkingSteps, count, failureRate, warmUp, seed);
        }

        public Settings withWarmUp(Duration duration) {
            return new Settings(name, stepDelay, thinkingSteps, toolCount, failureRate, duration, seed);
        }
    }

    /** A simulated agent with two scheduler threads of its own, released by {@link #close()}. */
    public SimulatedAgent(Settings settings) {
        this(settings, newExecutor());
    }

    /**
     * A simulated agent whose steps wait on {@code scheduler} and whose tool timings read
     * {@code ticker}; the caller owns both (tests drive them by hand).
     */
    public SimulatedAgent(Settings settings, Scheduler scheduler, Ticker ticker) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.ownExecutor = null;
    }

    private SimulatedAgent(Settings settings, ScheduledExecutorService executor) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.ownExecutor = executor;
        this.scheduler = Scheduler.of(executor);
        this.ticker = Ticker.system();
    }

    private static ScheduledExecutorService newExecutor() {
        AtomicInteger threadCounter = new AtomicInteger();
        return Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-sim-agent-" + threadCounter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public CompletionStage<Void> warmUp() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        scheduler.schedule(() -> ready.complete(null), settings.warmUp());
        return ready;
    }

    @Override
    public CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events) {
        CompletableFuture<AgentResult> outcome = new CompletableFuture<>();
        List<Runnable> steps = script(request, events, outcome);
        AtomicReference<Scheduler.Scheduled> next = new AtomicReference<>();
        events.onEnd(() -> {
            Scheduler.Scheduled pending = next.get();
            if (pending != null) {
                pending.cancel();
            }
        });
        scheduleStep(steps, 0, events, outcome, next);
        return outcome;
    }

    private void scheduleStep(List<Runnable> steps, int index, AgentRunEvents events,
                              CompletableFuture<AgentResult> outcome, AtomicReference<Scheduler.Scheduled> next) {
        if (index >= steps.size() || events.isEnded() || outcome.isDone()) {
            return;
        }
        next.set(scheduler.schedule(() -> {
            if (!events.isEnded() && !outcome.isDone()) {
                steps.get(index).run();
                scheduleStep(steps, index + 1, events, outcome, next);
            }
        }, settings.stepDelay()));
    }

    private List<Runnable> script(AgentRequest request, AgentRunEvents events,
                                  CompletableFuture<AgentResult> outcome) {
        String content = request.content() == null ? "" : request.content();
        List<String> tools = request.tools().isEmpty()
                ? DEFAULT_TOOLS.subList(0, Math.min(settings.toolCount(), DEFAULT_TOOLS.size()))
                : request.tools();
        boolean fails = new SplittableRandom(settings.seed() ^ request.runId().hashCode()).nextDouble()
                < settings.failureRate();
        List<Runnable> steps = new ArrayList<>();
        for (int i = 1; i <= settings.thinkingSteps(); i++) {
            String thought = i == 1
                    ? "Reading the request (" + content.length() + " characters)"
                    : "Planning step " + i + " of " + settings.thinkingSteps();
            steps.add(() -> events.thinking(thought));
        }
        long[] toolStartedAt = new long[1];
        for (int t = 0; t < tools.size(); t++) {
            String tool = tools.get(t);
            boolean last = t == tools.size() - 1;
            steps.add(() -> {
                toolStartedAt[0] = ticker.nanoTime();
                events.toolExecuting(tool, Map.of("query", abbreviate(content, 80)));
            });
            steps.add(() -> {
                long took = TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - toolStartedAt[0]);
                if (fails && last) {
                    events.toolCompleted(tool, Map.of("error", "simulated tool failure"), took);
                    outcome.completeExceptionally(new AgentFailure("simulated failure in tool " + tool));
                } else {
                    events.toolCompleted(tool, Map.of("summary", tool + " found 3 results"), took);
                }
            });
        }
        steps.add(() -> events.thinking("Composing the answer"));
        steps.add(() -> outcome.complete(new AgentResult(
                "Simulated answer to: " + abbreviate(content, 120) + " (using " + String.join(", ", tools) + ")")));
        return steps;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }
}
