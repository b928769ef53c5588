package io.weir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The Chrome DevTools Protocol over the JDK's WebSocket: JSON commands with ids, answered by id; events handed
 * to listeners. One connection to the browser carries every page, each as a flattened session ({@code sessionId}).
 */
final class CdpConnection implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final java.util.List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();

    private CdpConnection(URI ws) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(ws, new Listener()).join();
    }

    static CdpConnection open(URI ws) {
        return new CdpConnection(ws);
    }

    /** Every event ({@code method}, {@code params}, {@code sessionId}), on the WebSocket's thread: keep it short. */
    void onEvent(Consumer<JsonNode> listener) {
        eventListeners.add(listener);
    }

    /** Sends a command and waits for its result; a CDP error becomes an exception. */
    JsonNode call(String sessionId, String method, Map<String, ?> params) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        synchronized (socket) {
            socket.sendText(message.toString(), true).join();
        }
        JsonNode reply;
        try {
            reply = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("CDP " + method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
        if (reply.has("error")) {
            throw new IllegalStateException("CDP " + method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("CDP closed: " + reason)));
            return null;
        }

        private void dispatch(String text) {
            JsonNode message;
            try {
                message = JSON.readTree(text);
            } catch (Exception e) {
                return;
            }
            if (message.has("id")) {
                CompletableFuture<JsonNode> f = pending.get(message.get("id").asLong());
                if (f != null) {
                    f.complete(message);
                }
            } else {
                eventListeners.forEach(l -> l.accept(message));
            }
        }
    }
}
