package org.tensorbasis.cli;

import org.tensorbasis.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tensorbasis} command. */
@Command(name = "tensorbasis", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Learn tensorial properties of molecules and materials (λ-MCoV: scalar models × an equivariant tensor basis).",
    subcommands = {CommandLine.HelpCommand.class, InspectCommand.class, TrainCommand.class, EvalCommand.class, DiagnoseCommand.class,
        BenchCommand.class, ReportCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input (malformed files, bad options). */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with its error handling; used by {@link #main} and by tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof BadInputException) && t.getCause() != null && t.getCause() != t) {
                if (t instanceof java.io.UncheckedIOException || t instanceof java.util.concurrent.CompletionException
                        || t instanceof java.util.concurrent.ExecutionException) {
                    t = t.getCause();
                } else {
                    break;
                }
            }
            if (t instanceof BadInputException) {
                cmd.getErr().println("error: " + t.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("error: " + t.getMessage());
                return EXIT_BAD_INPUT;
            }
            throw ex;
        });
        return cl;
    }

    /** Kept referenced: java.util.logging holds loggers weakly. */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    public static void main(String[] args) {
        // netlib announces which BLAS it loaded at INFO level on every start: noise for users
        NETLIB_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine().execute(args));
    }
}
