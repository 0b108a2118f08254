package org.tensorbasis.cli;

import java.io.PrintWriter;
import org.tensorbasis.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code tensorbasis} command. */
@Command(name = "tensorbasis", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Learn tensorial properties of molecules and materials (λ-MCoV: scalar models × an equivariant tensor basis).")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order of the usage text. Built from classes by picocli (reflection over every option of
     * every command): only the one a command line names is built, which saves ~0.1 s of a one-second {@code eval}.
     */
    private static final java.util.Map<String, java.util.function.Supplier<Object>> SUBCOMMANDS = subcommands();

    private static java.util.Map<String, java.util.function.Supplier<Object>> subcommands() {
        java.util.Map<String, java.util.function.Supplier<Object>> m = new java.util.LinkedHashMap<>();
        m.put("help", CommandLine.HelpCommand::new);
        m.put("inspect", InspectCommand::new);
        m.put("train", TrainCommand::new);
        m.put("eval", EvalCommand::new);
        m.put("diagnose", DiagnoseCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("report", ReportCommand::new);
        return java.util.Collections.unmodifiableMap(m);
    }

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
        return commandLine(null);
    }

    /**
     * The command line for {@code args}: when its first argument names a subcommand (other than {@code help}), only
     * that subcommand is built; otherwise (no argument, an option, {@code help}, a typo) all of them.
     */
    public static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args != null && args.length > 0 ? args[0] : null;
        if (first != null && !first.equals("help") && SUBCOMMANDS.containsKey(first)) {
            cl.addSubcommand(first, SUBCOMMANDS.get(first).get());
        } else {
            for (java.util.Map.Entry<String, java.util.function.Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
                cl.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
        // an OutOfMemoryError (an Error: picocli passes it through without the handler below) becomes one line
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (RuntimeException | Error e) {
                OutOfMemoryError oom = outOfMemory(e);
                if (oom == null) throw e;
                CommandLine.ParseResult last = parseResult;
                StringBuilder name = new StringBuilder();
                while (last.hasSubcommand()) {
                    last = last.subcommand();
                    name.append(name.length() > 0 ? " " : "").append(last.commandSpec().name());
                }
                PrintWriter err = last.commandSpec().commandLine().getErr();
                err.println(outOfMemoryMessage(name.length() > 0 ? name.toString() : "tensorbasis", oom));
                err.flush();
                return EXIT_BAD_INPUT;
            }
        });
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
            // anything else is a bug of this program: one line (the stack trace on request), never a wall of text
            cmd.getErr().println("error: internal error in '" + cmd.getCommandName() + "': " + ex
                + " (please report it; TENSORBASIS_DEBUG=1 prints the stack trace)");
            if (System.getenv("TENSORBASIS_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return EXIT_BAD_INPUT;
        });
        return cl;
    }

    /** Kept referenced: java.util.logging holds loggers weakly. */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    /** The OutOfMemoryError in the cause chain (or among the suppressed exceptions) of {@code t}, or null. */
    static OutOfMemoryError outOfMemory(Throwable t) {
        // a fork-join task rethrows another thread's error as a new one (no message) caused by the original:
        // the first with a message ("Java heap space") is the one to report
        OutOfMemoryError found = null;
        for (int depth = 0; t != null && depth < 32; depth++) {
            if (t instanceof OutOfMemoryError oom) {
                if (oom.getMessage() != null) return oom;
                if (found == null) found = oom;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof OutOfMemoryError oom && found == null) found = oom;
            }
            if (t.getCause() == t) break;
            t = t.getCause();
        }
        return found;
    }

    /**
     * The one line printed for an OutOfMemoryError: what ran, the heap and how to raise it (twice the
     * current heap, at least 1 GB). Never throws (a fixed line if even formatting fails).
     */
    static String outOfMemoryMessage(String command, OutOfMemoryError oom) {
        try {
            double heap = Runtime.getRuntime().maxMemory() / (double) (1L << 30);
            long suggest = Math.max(1, (long) Math.ceil(2 * heap));
            return String.format(java.util.Locale.ROOT, "error: out of memory while running '%s' (heap %.2f GB): %s; raise it with "
                + "TENSORBASIS_JAVA_OPTS=-Xmx%dg (bin/tensorbasis uses -Xmx8g unless told) or use smaller model options "
                + "(model.soap.max_radial, max_angular, model.bpnn.num_neurons_per_layer)", command, heap,
                oom.getMessage() == null ? "java.lang.OutOfMemoryError" : oom.getMessage(), suggest);
        } catch (Throwable again) {
            return "error: out of memory; raise the heap with TENSORBASIS_JAVA_OPTS=-Xmx...";
        }
    }

    public static void main(String[] args) {
        // netlib announces which BLAS it loaded at INFO level on every start: noise for users
        NETLIB_LOG.setLevel(java.util.logging.Level.WARNING);
        // a thread that dies of an OutOfMemoryError outside the command (none should) ends the process
        // with the same line instead of leaving it running without that thread
        Thread.UncaughtExceptionHandler fallback = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            OutOfMemoryError oom = outOfMemory(e);
            if (oom == null) {
                if (fallback != null) {
                    fallback.uncaughtException(thread, e);
                } else {
                    System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                    e.printStackTrace();
                }
                return;
            }
            System.err.println(outOfMemoryMessage("tensorbasis (thread " + thread.getName() + ")", oom));
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_BAD_INPUT);
        });
        EvalPrefetch.start(args);  // an eval's files are read while picocli builds the command line
        int code;
        try {
            code = commandLine(args).execute(args);
        } catch (Throwable e) {
            OutOfMemoryError oom = outOfMemory(e);
            if (oom == null) throw e;
            System.err.println(outOfMemoryMessage(String.join(" ", args.length > 0 ? args[0] : "tensorbasis"), oom));
            code = EXIT_BAD_INPUT;
        }
        System.exit(code);
    }
}
