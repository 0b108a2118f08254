package org.tensorbasis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of docs/architecture.md, checked on the sources: nothing but the command line
 * imports {@code cli}, and nothing below the architecture seam knows a particular architecture.
 */
class LayeringTest {
    static final Path MAIN = Path.of("src/main/java/org/tensorbasis");
    static final Pattern REF = Pattern.compile("org\\.tensorbasis\\.(\\w+)\\.");

    /** Package → the org.tensorbasis packages its sources refer to (imports and qualified names). */
    private static List<String[]> references() throws IOException {
        List<String[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) out.add(new String[] {pkg, m.group(1), f.toString()});
            }
        }
        return out;
    }

    @Test
    void onlyTheCommandLineImportsCli() throws IOException {
        for (String[] r : references()) {
            if (!r[0].equals("cli")) assertThat(r[1]).as(r[2] + " refers to cli").isNotEqualTo("cli");
        }
    }

    @Test
    void theSeamKnowsNoArchitecture() throws IOException {
        List<String> seam = List.of("options", "targets", "modelfile", "evaluation", "report", "architecture", "training", "api");
        Map<String, List<String>> forbidden = Map.of("lambdamcov", seam, "linearridge", seam);
        for (String[] r : references()) {
            List<String> not = forbidden.get(r[1]);
            if (not != null) assertThat(not).as(r[2] + " (package " + r[0] + ") refers to " + r[1]).doesNotContain(r[0]);
        }
        // and the architectures do not know each other
        for (String[] r : references()) {
            if (r[0].equals("lambdamcov")) assertThat(r[1]).as(r[2]).isNotEqualTo("linearridge");
            if (r[0].equals("linearridge")) assertThat(r[1]).as(r[2]).isNotEqualTo("lambdamcov");
        }
    }
}
