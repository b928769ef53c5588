package io.weir.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One tab of a {@link Chromium}: evaluates JavaScript in it and collects what went wrong there (uncaught
 * exceptions, {@code console.error}, and browser log errors such as a failed resource load).
 */
public final class BrowserPage {

    private final CdpConnection cdp;
    private final String session;
    private final String targetId;
    private final List<String> errors = new ArrayList<>();

    BrowserPage(CdpConnection cdp, String session, String targetId) {
        this.cdp = cdp;
        this.session = session;
        this.targetId = targetId;
        cdp.onEvent(this::onEvent);
        cdp.call(session, "Runtime.enable", Map.of());
        cdp.call(session, "Log.enable", Map.of());
        cdp.call(session, "Page.enable", Map.of());
    }

    void navigate(String url) {
        JsonNode result = cdp.call(session, "Page.navigate", Map.of("url", url));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("cannot load " + url + ": " + result.get("errorText").asText());
        }
    }

    private void onEvent(JsonNode event) {
        if (!session.equals(event.path("sessionId").asText())) {
            return;
        }
        JsonNode p = event.path("params");
        String error = switch (event.path("method").asText()) {
            case "Runtime.exceptionThrown" -> "exception: " + p.path("exceptionDetails").path("exception")
                    .path("description").asText(p.path("exceptionDetails").path("text").asText());
            case "Runtime.consoleAPICalled" -> p.path("type").asText().equals("error")
                    || p.path("type").asText().equals("assert") ? "console." + p.path("type").asText() + ": "
                    + p.path("args").toString() : null;
            case "Log.entryAdded" -> p.path("entry").path("level").asText().equals("error")
                    ? "log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText()
                    : null;
            default -> null;
        };
        if (error != null) {
            synchronized (errors) {
                errors.add(error);
            }
        }
    }

    /** Uncaught exceptions, console errors and browser log errors seen so far. */
    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /**
     * Evaluates {@code expression} in the page (a promise is awaited) and returns its value as JSON; a thrown
     * exception becomes an {@link IllegalStateException}.
     */
    public JsonNode evaluate(String expression) {
        JsonNode r = cdp.call(session, "Runtime.evaluate", Map.of("expression", expression,
                "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    public String text(String expression) {
        return evaluate(expression).asText();
    }

    public void close() {
        cdp.call(null, "Target.closeTarget", Map.of("targetId", targetId));
    }
}
