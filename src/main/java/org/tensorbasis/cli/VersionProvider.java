package org.tensorbasis.cli;

import org.tensorbasis.Version;
import picocli.CommandLine;

/** picocli's --version: the program version and commit recorded by the build. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    /** The program version (see {@link Version#version()}). */
    public static String version() {
        return Version.version();
    }

    @Override
    public String[] getVersion() {
        String c = Version.commit();
        return new String[] {"tensorbasis " + Version.version() + (c == null ? "" : " (commit " + c.substring(0, 12) + ")"),
            "Java " + System.getProperty("java.version")};
    }
}
