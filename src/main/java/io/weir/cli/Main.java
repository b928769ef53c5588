package io.weir.cli;

import io.weir.runtime.ListenFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code weir}: one subcommand per job. */
@Command(name = "weir", mixinStandardHelpOptions = true, versionProvider = WeirVersion.class,
        description = "Weir load balancer: HTTP and TCP/UDP proxying with health-aware balancing.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, SimulateCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Leak tracking samples buffers with stack traces: worth it in tests (paranoid there), not on every
        // production request. -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportListenFailure);
    }

    /**
     * A socket that cannot be opened (a port in use, an address not on this host) is an operator's error, not
     * Weir's: one line that says which listener, where and why, exit 1. Anything else keeps its stack trace.
     */
    private static int reportListenFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof ListenFailure failure) {
            cl.getErr().println("weir: " + failure.getMessage());
            return 1;
        }
        throw e;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
