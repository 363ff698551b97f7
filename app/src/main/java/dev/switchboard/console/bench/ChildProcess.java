package dev.switchboard.console.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench starts and stops (a router node, a {@code redis-server}): its output in a
 * temporary log, ready once it accepts connections on its port, killed with the bench if the bench
 * is interrupted, and its CPU time read from {@code /proc}.
 */
final class ChildProcess implements AutoCloseable {
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread reaper;

    private ChildProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.reaper = new Thread(process::destroyForcibly, "bench-child-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** {@code java <jvmOptions> -cp <this class path> <mainClass> <args>}, on this process's Java. */
    static List<String> java(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return command;
    }

    /**
     * Where a child runs: at {@code nice} when it is above 0, and on the CPUs {@code cpus} (a list
     * as {@code taskset -c} takes it, e.g. "1-3") when it is not null. Every thread the child starts
     * inherits both.
     */
    record Placement(int nice, String cpus) {
        /** Anywhere, at the default priority. */
        static final Placement ANYWHERE = new Placement(0, null);

        /** {@code command} run by {@code nice} and {@code taskset} as this placement needs them. */
        List<String> apply(List<String> command) {
            List<String> placed = new java.util.ArrayList<>();
            if (cpus != null) {
                placed.addAll(List.of("taskset", "-c", cpus));
            }
            if (nice > 0) {
                placed.addAll(List.of("nice", "-n", Integer.toString(nice)));
            }
            placed.addAll(command);
            return placed;
        }
    }

    /**
     * Starts {@code command} and waits until something listens on {@code port} of 127.0.0.1.
     *
     * @param logPrefix the temporary log's name prefix, e.g. {@code bench-router-}
     */
    static ChildProcess start(List<String> command, int port, String logPrefix, Duration startup)
            throws IOException, InterruptedException {
        return start(command, java.util.Map.of(), port, logPrefix, startup);
    }

    /** As {@link #start(List, int, String, Duration)}, with {@code env} added to this process's environment. */
    static ChildProcess start(List<String> command, java.util.Map<String, String> env, int port, String logPrefix,
                              Duration startup) throws IOException, InterruptedException {
        Path logFile = Files.createTempFile(logPrefix, ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        ChildProcess child = new ChildProcess(process, port, logFile);
        try {
            child.awaitListening(startup);
        } catch (IOException | InterruptedException | RuntimeException e) {
            child.close();
            throw e;
        }
        return child;
    }

    /** A loopback port free now. */
    static int freePort() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /**
     * The whole number after {@code prefix} on the last line of its output that starts with it, or 0
     * with none (or no log to read).
     */
    long lastCount(String prefix) {
        long count = 0;
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith(prefix)) {
                    count = Long.parseLong(line.substring(prefix.length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return count;
        }
        return count;
    }

    /** The live thread count, from {@code /proc} (0 where there is none). */
    int threads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** CPU time used so far, user and system, in milliseconds ({@code -1} where {@code /proc} has none). */
    long cpuMillis() {
        return cpuMillis(process.pid());
    }

    /** CPU time process {@code pid} used so far, from {@code /proc/<pid>/stat} ({@code -1} where there is none). */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces; the fields after its ')' are fixed: utime is 14th, stime 15th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes()).trim();
            return getconf.waitFor(5, TimeUnit.SECONDS) ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100; // USER_HZ on every Linux the bench runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private void awaitListening(Duration limit) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("it exited with " + process.exitValue() + "; its log: " + log);
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                Thread.sleep(200); // the listener is open; give warm-up its moment
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("it did not listen on port " + port + " within " + limit.toSeconds() + " s; its log: " + log);
    }

    /** Asks it to stop (SIGTERM), and kills it after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Runtime.getRuntime().removeShutdownHook(reaper);
    }
}
