package org.tensorbasis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tensorbasis bench STAGE FILE}: throughput benchmarks of each pipeline stage. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Benchmark one stage of the pipeline; the last line printed is one JSON object.",
    subcommands = {BenchNeighborsCommand.class, BenchHarmonicsCommand.class, BenchDescriptorsCommand.class, BenchModelCommand.class,
        BenchTrainStepCommand.class, BenchRefitCommand.class, BenchEvalCommand.class, BenchBlasCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
