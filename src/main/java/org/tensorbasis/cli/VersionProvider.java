package org.tensorbasis.cli;

import picocli.CommandLine;

/** Version from the jar manifest, or "dev" when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"tensorbasis " + version(), "Java " + System.getProperty("java.version")};
    }
}
