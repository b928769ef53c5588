package io.weir.cli;

import picocli.CommandLine;

/** The version from the jar manifest, or "dev" when run from classes. */
public final class WeirVersion implements CommandLine.IVersionProvider {

    public static String version() {
        String v = WeirVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"weir " + version() + " (Java " + System.getProperty("java.version") + ")"};
    }
}
