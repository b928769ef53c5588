package io.weir.testing;

import java.io.File;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** A real redis-server on a free loopback port, which a test can stop and start again on the same port. */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final boolean tls;
    private final List<String> options;
    private Process process;

    private RedisServer(int port, boolean tls, List<String> options) {
        this.port = port;
        this.tls = tls;
        this.options = options;
    }

    public static boolean installed() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, "redis-server").canExecute()) {
                return true;
            }
        }
        return false;
    }

    public static RedisServer start() throws Exception {
        return start(false, List.of());
    }

    /** With a password ({@code --requirepass}). */
    public static RedisServer withPassword(String password) throws Exception {
        return start(false, List.of("--requirepass", password));
    }

    /**
     * Speaking only TLS ({@code --tls-port}), with the certificate {@code cert}/{@code key}; clients are not asked
     * for one. Debian's redis-server is built with TLS.
     */
    public static RedisServer withTls(Path cert, Path key, Path ca) throws Exception {
        return start(true, List.of("--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"));
    }

    private static RedisServer start(boolean tls, List<String> options) throws Exception {
        int port = Ports.free();
        RedisServer server = new RedisServer(port, tls, options);
        server.restart();
        return server;
    }

    public String uri() {
        return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    /** Starts it (again) on its port, and waits until it accepts connections. */
    public void restart() throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-server", "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no"));
        command.addAll(tls ? List.of("--port", "0", "--tls-port", String.valueOf(port))
                : List.of("--port", String.valueOf(port)));
        command.addAll(options);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            }
        });
    }

    /** Kills it like a crash (SIGKILL). */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
