package io.weir.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless Chromium (Debian's {@code chromium}), driven over the DevTools protocol: no Selenium, no
 * driver binary. Started with {@code --remote-debugging-port=0}; the WebSocket address is read from the line
 * Chromium prints on stderr. Tests skip (JUnit Assumptions) when {@link #find()} finds no browser.
 */
public final class Chromium implements AutoCloseable {

    private static final String LISTENING = "DevTools listening on ";

    private final Process process;
    private final Path profile;
    private final CdpConnection cdp;
    private final List<String> stderr = new ArrayList<>();

    private Chromium(Process process, Path profile, URI ws) {
        this.process = process;
        this.profile = profile;
        this.cdp = CdpConnection.open(ws);
    }

    /** The browser to use: {@code $WEIR_CHROMIUM}, else {@code /usr/bin/chromium}, else chromium on the PATH. */
    public static Optional<Path> find() {
        String configured = System.getenv("WEIR_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
                candidates.add(Path.of(dir, "chromium-browser"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    public static Chromium launch() throws IOException {
        Path binary = find().orElseThrow(() -> new IllegalStateException("no chromium found"));
        Path profile = Files.createTempDirectory("weir-chromium");
        Process process = new ProcessBuilder(binary.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        List<String> early = new ArrayList<>();
        String line;
        URI ws = null;
        // Blocks until Chromium says where it listens, or exits.
        while ((line = err.readLine()) != null) {
            if (line.startsWith(LISTENING)) {
                ws = URI.create(line.substring(LISTENING.length()).trim());
                break;
            }
            early.add(line);
        }
        if (ws == null) {
            process.destroyForcibly();
            deleteQuietly(profile);
            throw new IllegalStateException("chromium exited before listening:\n" + String.join("\n", early));
        }
        Chromium browser = new Chromium(process, profile, ws);
        browser.stderr.addAll(early);
        Thread drain = new Thread(() -> browser.drain(err), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return browser;
    }

    /** Keeps reading stderr so Chromium never blocks on a full pipe; kept for failure messages. */
    private void drain(BufferedReader err) {
        try {
            String line;
            while ((line = err.readLine()) != null) {
                synchronized (stderr) {
                    if (stderr.size() < 500) {
                        stderr.add(line);
                    }
                }
            }
        } catch (IOException closed) {
            // The browser exited.
        }
    }

    /** Opens {@code url} in a new tab, with console errors and exceptions collected from the start. */
    public BrowserPage open(String url) {
        String targetId = cdp.call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        JsonNode attached = cdp.call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true));
        BrowserPage page = new BrowserPage(cdp, attached.get("sessionId").asText(), targetId);
        page.navigate(url);
        return page;
    }

    @Override
    public void close() {
        try {
            cdp.call(null, "Browser.close", Map.of());
        } catch (RuntimeException alreadyGone) {
            // Closing anyway.
        }
        cdp.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteQuietly(profile);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temporary profile left behind is harmless.
        }
    }
}
