package org.tensorbasis.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Chooses the native library behind netlib's JNI BLAS before netlib loads, so that a machine with only
 * a JDK is as fast as one with a system OpenBLAS. The jar carries OpenBLAS for Linux x86-64 (the
 * {@code org.bytedeco:openblas} Maven artifact: libopenblas.so.0 with its libgfortran and libquadmath);
 * it is extracted once into a cache directory and netlib is pointed at it. System property
 * {@code tensorbasis.blas}: {@code bundled} (default; falls back to {@code system} when the platform has
 * no bundled library or it cannot be extracted), {@code system} (netlib's default, the system's
 * libblas.so.3, without netlib's {@code dlopen} warning when there is none: then pure Java), {@code java}
 * (netlib's pure-Java BLAS). netlib's own properties ({@code dev.ludovic.netlib.blas.nativeLib},
 * {@code nativeLibPath}, {@code allowNative}), when set, are left alone.
 */
final class NativeBlas {
    private NativeBlas() {}

    private static final String RESOURCE_DIR = "org/bytedeco/openblas/linux-x86_64/";
    /** Dependencies first: the JVM loads them so that libopenblas finds them by soname. */
    private static final String[] LIBRARIES = {"libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0"};
    private static final String[] SYSTEM_DIRS = {"/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64",
        "/usr/lib", "/lib", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib"};

    /** What was decided, for the log ("bundled OpenBLAS", "system libblas.so.3", ...). */
    static String source = "netlib default";

    /** Sets netlib's properties; call before the first use of {@code BLAS.getInstance()}. */
    static void configure() {
        if (System.getProperty("dev.ludovic.netlib.blas.nativeLibPath") != null
            || System.getProperty("dev.ludovic.netlib.blas.nativeLib") != null
            || System.getProperty("dev.ludovic.netlib.blas.allowNative") != null) {
            source = "as set by dev.ludovic.netlib.blas.* properties";
            return;
        }
        String mode = System.getProperty("tensorbasis.blas", "bundled").toLowerCase(Locale.ROOT);
        if (mode.equals("java")) {
            System.setProperty("dev.ludovic.netlib.blas.allowNative", "false");
            source = "tensorbasis.blas=java";
            return;
        }
        if (mode.equals("bundled")) {
            String path = extractBundled();
            if (path != null) {
                System.setProperty("dev.ludovic.netlib.blas.nativeLibPath", path);
                source = "bundled OpenBLAS";
                return;
            }
        }
        if (systemLibraryPresent()) {
            source = "system libblas.so.3";
        } else {
            // no system library: skip netlib's dlopen attempt (and the warning line it prints)
            System.setProperty("dev.ludovic.netlib.blas.allowNative", "false");
            source = "no bundled OpenBLAS for this platform and no system libblas.so.3";
        }
    }

    private static boolean systemLibraryPresent() {
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String dir : ld.split(":")) {
                if (!dir.isEmpty() && Files.exists(Path.of(dir, "libblas.so.3"))) return true;
            }
        }
        for (String dir : SYSTEM_DIRS) {
            if (Files.exists(Path.of(dir, "libblas.so.3"))) return true;
        }
        return false;
    }

    /** The path of the extracted libopenblas, its dependencies loaded; null if not bundled or not extractable. */
    private static String extractBundled() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) return null;
        ClassLoader cl = NativeBlas.class.getClassLoader();
        if (cl.getResource(RESOURCE_DIR + "libopenblas.so.0") == null) return null;
        for (Path dir : cacheDirs()) {
            try {
                Files.createDirectories(dir);
                for (String lib : LIBRARIES) extract(cl, RESOURCE_DIR + lib, dir.resolve(lib));
                for (int i = 0; i < LIBRARIES.length - 1; i++) System.load(dir.resolve(LIBRARIES[i]).toString());
                return dir.resolve(LIBRARIES[LIBRARIES.length - 1]).toString();
            } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
                // try the next directory, then give up on the bundled library
            }
        }
        return null;
    }

    private static Path[] cacheDirs() {
        String version = "openblas-0.3.31-1.5.13";
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path user = xdg != null && !xdg.isEmpty() ? Path.of(xdg, "tensorbasis", version)
            : Path.of(home == null ? System.getProperty("java.io.tmpdir") : home, ".cache", "tensorbasis", version);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "tensorbasis-" + System.getProperty("user.name", "user"), version);
        return new Path[] {user, tmp};
    }

    /** Copies a resource to target unless a file of the same size is there; atomic (temporary file, rename). */
    private static void extract(ClassLoader cl, String resource, Path target) throws IOException {
        java.net.URL url = cl.getResource(resource);
        if (url == null) throw new IOException("missing " + resource);
        long size = url.openConnection().getContentLengthLong(); // the jar entry's size, without inflating it
        if (size > 0 && Files.exists(target) && Files.size(target) == size) return;
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try (InputStream in = cl.getResourceAsStream(resource)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
