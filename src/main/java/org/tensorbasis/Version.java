package org.tensorbasis;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The program version and the git commit it was built from, both written by the build (the jar
 * manifest's Implementation-Version and {@code tensorbasis-build.properties}), never read from the
 * user's working directory. Running from classes that were not built by Maven gives "dev" / null.
 */
public final class Version {
    private static final Properties BUILD = load();

    private Version() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/tensorbasis-build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // no build information: dev
        }
        return p;
    }

    /** The version from the jar manifest or the build properties, or "dev". */
    public static String version() {
        String v = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
        if (v == null) v = BUILD.getProperty("version");
        return v == null || v.isEmpty() || v.startsWith("${") ? "dev" : v;
    }

    /** The 40-hex-digit commit the build was made from, or null if unknown. */
    public static String commit() {
        String c = BUILD.getProperty("commit");
        return c != null && c.matches("[0-9a-f]{40}") ? c : null;
    }
}
