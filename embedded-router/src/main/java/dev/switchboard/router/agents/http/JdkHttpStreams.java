package dev.switchboard.router.agents.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;

/**
 * {@link HttpStreams} on the JDK's {@code HttpClient} (HTTP/1.1, two callback threads): the body is
 * read one buffer list at a time, each requested after the previous was consumed.
 */
public final class JdkHttpStreams implements HttpStreams {
    private final ExecutorService callbacks;
    private final HttpClient client;

    /**
     * @param name           for the callback threads' names
     * @param connectTimeout connecting to the service
     */
    public JdkHttpStreams(String name, Duration connectTimeout) {
        this.callbacks = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "agent-http-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(callbacks).build();
    }

    /** The client, for the health checks. */
    public HttpClient client() {
        return client;
    }

    @Override
    public Exchange post(URI url, Map<String, String> headers, byte[] body, Duration connectTimeout, Receiver receiver) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        Reading reading = new Reading(receiver);
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(builder.build(), info -> {
            if (!receiver.headers(info.statusCode(), info.headers().firstValue("Content-Type").orElse(""))) {
                return new Refusing();
            }
            return reading;
        });
        response.whenComplete((ignored, failure) -> {
            if (failure != null) {
                receiver.failed(failure);
            }
        });
        return () -> {
            reading.cancelled = true;
            Flow.Subscription subscription = reading.subscription;
            if (subscription != null) {
                subscription.cancel();
            } else {
                response.cancel(true);
            }
        };
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
    }

    /** Reads the body one buffer list at a time. */
    private static final class Reading implements HttpResponse.BodySubscriber<Void> {
        private final Receiver receiver;
        private final CompletableFuture<Void> body = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;

        Reading(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription next) {
            subscription = next;
            if (cancelled) {
                next.cancel();
            } else {
                next.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                receiver.body(buffer);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            receiver.failed(failure);
            body.complete(null);
        }

        @Override
        public void onComplete() {
            receiver.end();
            body.complete(null);
        }
    }

    /** Reads nothing of a response that is not wanted: the connection is closed at once. */
    private static final class Refusing implements HttpResponse.BodySubscriber<Void> {
        private final CompletableFuture<Void> body = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            body.complete(null);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
            body.complete(null);
        }

        @Override
        public void onComplete() {
            body.complete(null);
        }
    }
}
