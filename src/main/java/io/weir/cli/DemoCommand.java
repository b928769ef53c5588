package io.weir.cli;

import io.netty.channel.EventLoopGroup;
import io.weir.config.ConfigException;
import io.weir.config.ConfigLoader;
import io.weir.config.WeirConfig;
import io.weir.demo.DemoBackend;
import io.weir.runtime.Transport;
import io.weir.runtime.Weir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code weir demo}: three demo backends and a balancer in front of them, no setup. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start three demo backends and Weir in front of them, and print what to try.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "Port of the demo listener (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--backend-port", defaultValue = "9101",
            description = "First of three consecutive backend ports (default: ${DEFAULT-VALUE})")
    int backendPort;

    @Option(names = "--admin-port", defaultValue = "9901",
            description = "Port of the admin listener and dashboard (default: ${DEFAULT-VALUE})")
    int adminPort;

    @Override
    public Integer call() throws Exception {
        Demo demo = Demo.start(port, backendPort, adminPort);
        demo.printTryLines(System.out);
        ShutdownSignals.serveUntilStopped(demo::close);
        return 0;
    }

    /** The running demo: backends plus Weir; also used by tests. */
    record Demo(Weir weir, EventLoopGroup backendGroup, DemoBackend[] backends) implements AutoCloseable {

        static Demo start(int port, int backendPort, int adminPort)
                throws InterruptedException, IOException, ConfigException {
            Transport transport = Transport.best();
            EventLoopGroup group = transport.newGroup(1, "demo-backend");
            DemoBackend[] backends = new DemoBackend[3];
            Map<String, String> env = new HashMap<>();
            env.put("WEIR_DEMO_PORT", Integer.toString(port));
            env.put("WEIR_DEMO_ADMIN_PORT", Integer.toString(adminPort));
            try {
                for (int i = 0; i < 3; i++) {
                    backends[i] = DemoBackend.start("backend-" + (i + 1),
                            new InetSocketAddress("127.0.0.1", backendPort + i), group, transport);
                    env.put("WEIR_DEMO_BACKEND_PORT_" + (i + 1), Integer.toString(backendPort + i));
                }
                WeirConfig config = ConfigLoader.parse(embeddedConfig(), Path.of("demo.yaml"), env);
                return new Demo(Weir.start(config), group, backends);
            } catch (RuntimeException | InterruptedException | IOException | ConfigException e) {
                // A port in use, most likely: what did start is stopped, so nothing lingers behind the error.
                closeBackends(group, backends);
                throw e;
            }
        }

        private static void closeBackends(EventLoopGroup group, DemoBackend[] backends) {
            for (DemoBackend backend : backends) {
                if (backend != null) {
                    backend.close();
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }

        static String embeddedConfig() throws IOException {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/demo.yaml")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }

        void printTryLines(PrintStream out) {
            String base = "http://127.0.0.1:" + weir.address("demo").getPort();
            out.println();
            out.println("Weir demo is running: listener " + base + " -> backends 127.0.0.1:"
                    + backends[0].address().getPort() + "-" + backends[2].address().getPort()
                    + " (round robin, weights 3,1,1)");
            out.println();
            out.println("Try:");
            out.println("  for i in 1 2 3 4 5; do curl -s " + base + "/; done      # smooth weighted round robin, weights 3,1,1: 1 2 1 3 1 (from any point)");
            out.println("  curl -s -H 'x-canary: 1' " + base + "/           # header match -> canary cluster");
            out.println("  curl -s " + base + "/hello                      # direct response from Weir");
            out.println("  curl -si " + base + "/old/page                  # 301 redirect to /docs/page");
            out.println("  curl -si -H 'Transfer-Encoding: chunked' -H 'Content-Length: 3' " + base
                    + "/   # smuggling attempt -> 400");
            String admin = "http://127.0.0.1:" + weir.adminAddress().getPort();
            out.println("  open " + admin + "/dashboard                 # live dashboard (run the loop above meanwhile)");
            out.println("  curl -s " + admin + "/api/clusters            # endpoint state as JSON");
            out.println("  curl -s " + admin + "/metrics | grep weir_requests_total");
            out.println();
            out.println("Ctrl-C stops it. Config used: src/main/resources/demo.yaml");
            out.flush();
        }

        @Override
        public void close() {
            weir.close();
            closeBackends(backendGroup, backends);
        }
    }
}
