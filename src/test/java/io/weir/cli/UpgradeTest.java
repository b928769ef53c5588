package io.weir.cli;

import io.netty.channel.epoll.Epoll;
import io.weir.testing.Ports;
import io.weir.testing.WeirProcess;
import io.weir.testing.TcpBackend;
import io.weir.testing.TestBackend;
import io.weir.testing.UdpEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code weir run --upgrade} as real processes: under continuous load (kept-alive and new HTTP connections, and
 * short tcp sessions), a new Weir takes the listening sockets over, the old one drains and exits 0, and not one
 * request fails. Then a third takes over from the second, so the hand-over socket moved on with the sockets.
 */
class UpgradeTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final AtomicBoolean loadRunning = new AtomicBoolean(true);
    private final List<Thread> load = new ArrayList<>();
    private final AtomicLong successes = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private TestBackend http;
    private TcpBackend tcp;
    private UdpEchoServer udp;

    @AfterEach
    void stop() throws Exception {
        loadRunning.set(false);
        for (Thread t : load) {
            t.join(10_000);
        }
        processes.forEach(Process::destroyForcibly);
        if (http != null) {
            http.close();
        }
        if (tcp != null) {
            tcp.close();
        }
        if (udp != null) {
            udp.close();
        }
    }

    private Process weir(String log, Path config, String... extra) throws IOException {
        Process p = WeirProcess.start(config, dir.resolve(log), extra);
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    private static int status(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void aNewWeirTakesOverUnderLoadWithoutAFailedRequestAndTheOldOneExitsZero() throws Exception {
        assumeThat(Epoll.isAvailable()).as("the hand-over passes sockets with epoll (Linux)").isTrue();
        http = TestBackend.named("app");
        tcp = TcpBackend.named("db");
        udp = UdpEchoServer.named("dns");
        int web = Ports.free();
        int db = Ports.free();
        int dns = Ports.free();
        int admin = Ports.free();
        Path config = dir.resolve("weir.yaml");
        Files.writeString(config, """
                shutdown_timeout: 20s
                admin: { listen: 127.0.0.1:%d }
                listeners:
                  - name: web
                    listen: 127.0.0.1:%d
                    routes:
                      - cluster: app
                  - name: db
                    protocol: tcp
                    listen: 127.0.0.1:%d
                    cluster: db
                  - name: dns
                    protocol: udp
                    listen: 127.0.0.1:%d
                    cluster: dns
                clusters:
                  - name: app
                    endpoints: [ "%s" ]
                    health_check: { type: http, path: /healthz, interval: 1s, timeout: 1s }
                  - name: db
                    endpoints: [ "%s" ]
                  - name: dns
                    endpoints: [ "%s" ]
                """.formatted(admin, web, db, dns, http.address(), tcp.address(), udp.address()));
        HttpClient probe = HttpClient.newHttpClient();
        String ready = "http://127.0.0.1:" + admin + "/ready";

        Process first = weir("first.log", config);
        await().atMost(30, TimeUnit.SECONDS).until(() -> status(probe, ready) == 200 || !first.isAlive());
        assertThat(first.isAlive()).as("first weir started; log: %s", log("first.log")).isTrue();
        assertThat(udpRoundTrip(dns)).startsWith("dns ");

        startLoad(web, db);
        await().atMost(30, TimeUnit.SECONDS).until(() -> successes.get() >= 200 || !failures.isEmpty());

        Process second = weir("second.log", config, "--upgrade");
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the old weir exits; its log: %s", log("first.log"))
                .isTrue();
        assertThat(first.exitValue()).as("exit; log: %s", log("first.log")).isZero();
        assertThat(second.isAlive()).as("the new weir serves; log: %s", log("second.log")).isTrue();
        long afterFirst = successes.get();
        await().atMost(30, TimeUnit.SECONDS).until(() -> successes.get() >= afterFirst + 200 || !failures.isEmpty());
        assertThat(status(probe, ready)).isEqualTo(200);
        assertThat(udpRoundTrip(dns)).startsWith("dns ");

        // Again, from the second to a third: the hand-over socket moved on with the listeners.
        Process third = weir("third.log", config, "--upgrade=if-running");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the second weir exits; its log: %s", log("second.log"))
                .isTrue();
        assertThat(second.exitValue()).isZero();
        long afterSecond = successes.get();
        await().atMost(30, TimeUnit.SECONDS).until(() -> successes.get() >= afterSecond + 200 || !failures.isEmpty());
        loadRunning.set(false);
        for (Thread t : load) {
            t.join(20_000);
        }

        assertThat(failures).as("failed requests; logs:\n%s\n%s\n%s", log("first.log"), log("second.log"),
                log("third.log")).isEmpty();
        assertThat(third.isAlive()).isTrue();
        assertThat(successes.get()).isGreaterThanOrEqualTo(600);
    }

    @Test
    void anUpgradeWithNoWeirToTakeOverFromFailsClearlyUnlessIfRunning() throws Exception {
        assumeThat(Epoll.isAvailable()).as("the hand-over passes sockets with epoll (Linux)").isTrue();
        int port = Ports.free();
        Path config = dir.resolve("weir.yaml");
        Files.writeString(config, """
                listeners:
                  - name: web
                    listen: 127.0.0.1:%d
                    routes:
                      - respond: { status: 204 }
                clusters: []
                """.formatted(port));
        Process p = weir("alone.log", config, "--upgrade");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(log("alone.log")).contains("upgrade failed: no Weir answers at " + dir.resolve("weir.yaml.sock"));

        Process fresh = weir("fresh.log", config, "--upgrade=if-running");
        await().atMost(30, TimeUnit.SECONDS).until(() -> Ports.accepts(port) || !fresh.isAlive());
        assertThat(fresh.isAlive()).as("started afresh; log: %s", log("fresh.log")).isTrue();
    }

    private void startLoad(int web, int db) {
        HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + web + "/x");
        for (int i = 0; i < 2; i++) {
            run("keep-alive-" + i, () -> {
                HttpResponse<String> r = keepAlive.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().equals("app") ? null : r.statusCode() + " " + r.body();
            });
        }
        run("new-connection", () -> {
            try (Socket s = new Socket("127.0.0.1", web)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                return response.startsWith("HTTP/1.1 200") && response.endsWith("app") ? null : response;
            }
        });
        run("tcp", () -> {
            try (Socket s = new Socket("127.0.0.1", db)) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                out.write("ping\n".getBytes(StandardCharsets.UTF_8));
                String greeting = in.readLine();
                String echo = in.readLine();
                return "db".equals(greeting) && "ping".equals(echo) ? null : greeting + " / " + echo;
            }
        });
    }

    /** One request; null when it succeeded, else what went wrong. */
    private interface Request {
        String send() throws Exception;
    }

    private void run(String name, Request request) {
        Thread t = new Thread(() -> {
            while (loadRunning.get()) {
                try {
                    String wrong = request.send();
                    if (wrong == null) {
                        successes.incrementAndGet();
                    } else {
                        failures.add(name + ": " + wrong);
                    }
                } catch (Exception e) {
                    failures.add(name + ": " + e);
                }
            }
        }, "load-" + name);
        t.setDaemon(true);
        t.start();
        load.add(t);
    }

    private static String udpRoundTrip(int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(5_000);
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket in = new DatagramPacket(new byte[1024], 1024);
            s.receive(in);
            return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
        }
    }
}
