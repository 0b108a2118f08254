package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** No OutOfMemoryError stack trace from any command: one line, exit 2, and the process ends. */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    /** A command that runs out of memory in a worker thread of a parallel stream (optionally wrapped). */
    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @CommandLine.Option(names = "--wrapped")
        boolean wrapped;

        @Override
        public Integer call() {
            ForkJoinPool pool = new ForkJoinPool(2);
            try {
                pool.submit(() -> IntStream.range(0, 64).parallel().forEach(i -> {
                    if (i == 37) {
                        OutOfMemoryError e = new OutOfMemoryError("Java heap space");
                        if (wrapped) throw new IllegalStateException("worker failed", e);
                        throw e;
                    }
                })).join();
            } finally {
                pool.shutdown();
            }
            return 0;
        }
    }

    @Test
    void anOutOfMemoryErrorInAWorkerThreadIsOneLine() {
        for (String[] args : new String[][] {{"boom"}, {"boom", "--wrapped"}}) {
            CommandLine cl = Main.commandLine();
            cl.addSubcommand("boom", new Boom());
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            int code = cl.execute(args);
            assertThat(code).isEqualTo(2);
            assertThat(err.toString().strip()).doesNotContain("\n").doesNotContain("\tat ")
                .startsWith("error: out of memory while running 'boom' (heap ").contains("Java heap space", "TENSORBASIS_JAVA_OPTS=-Xmx");
        }
    }

    /** A real run under a 64 MB heap with a 4096-wide network: the estimate refuses it, and without the check it runs out of memory. */
    @Test
    void aSmallHeapEndsWithOneLineAndExitCode2() throws Exception {
        Path classes = Path.of("target/classes").toAbsolutePath();
        Assumptions.assumeTrue(Files.isDirectory(classes.resolve("org/tensorbasis/cli")), "target/classes not built");
        String classpath = classes + File.pathSeparator + System.getProperty("java.class.path");
        Path options = dir.resolve("options.yaml");
        Files.writeString(options, String.join("\n",
            "seed: 1",
            "threads: 2",
            "training_set: " + Path.of("data/water-monomer-200/water_monomer_200.xyz").toAbsolutePath(),
            "targets:",
            "  mu: {}",
            "  alpha: {}",
            "model: {bpnn: {num_neurons_per_layer: 4096}}",
            "training: {epochs: 1}", ""));
        Run checked = run(classpath, options, List.of());
        assertThat(checked.code).as(checked.err).isEqualTo(2);
        assertThat(checked.err.strip()).doesNotContain("\n").doesNotContain("at org.")
            .startsWith("error: field 'model.bpnn.num_neurons_per_layer': training would need ~").contains("TENSORBASIS_JAVA_OPTS=-Xmx");
        Run unchecked = run(classpath, options, List.of("-Dtensorbasis.skipMemoryCheck=true"));
        assertThat(unchecked.code).as(unchecked.err).isEqualTo(2);
        assertThat(unchecked.err.strip()).doesNotContain("\n").doesNotContain("at org.")
            .startsWith("error: out of memory while running 'train' (heap 0.06 GB)").contains("TENSORBASIS_JAVA_OPTS=-Xmx1g");
    }

    record Run(int code, String err) {}

    Run run(String classpath, Path options, List<String> props) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx64m");
        cmd.addAll(props);
        cmd.addAll(List.of("-cp", classpath, "org.tensorbasis.cli.Main", "train", options.toString(), "-o", dir.resolve("m.tbm").toString()));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        assertThat(ended).as("the process ends within 60 s").isTrue();
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }
}
