package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The options shared by the bench subcommands: every subcommand's help states its own defaults. */
class BenchOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "neighbors   | untimed runs first, and more until 1 s has passed if N > 0 (default: 3)  | timed runs (default: 10) | true",
        "harmonics   | untimed runs first, and more until 1 s has passed if N > 0 (default: 3)  | timed runs (default: 7)  | false",
        "descriptors | untimed runs first, and more until 1 s has passed (default: enough runs for 200 000 atoms | timed runs (default: 5) | true",
        "model       | untimed runs first, and more until 1 s has passed if N > 0 (default: 3)  | timed runs (default: 7)  | true",
        "train-step  | untimed runs first, and more until 1 s has passed if N > 0 (default: 3)  | timed runs (default: 7)  | true",
    })
    void helpStatesEachCommandsDefaults(String command, String warmup, String repetitions, boolean readsFile) {
        CliRun r = CliRun.of("bench", command, "--help");
        assertThat(r.code()).isZero();
        String help = r.out().replaceAll("\\s+", " ");
        assertThat(help).contains("--warmup=N " + warmup, "--repetitions=N " + repetitions);
        if (readsFile) {
            assertThat(help).contains("FILE extended-XYZ file", "--threads=T worker threads (default: all cores)");
        } else {
            assertThat(help).doesNotContain("--threads", "FILE");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--warmup      | -1 | field '--warmup': must be >= 0, got -1",
        "--repetitions | 0  | field '--repetitions': must be >= 1, got 0",
    })
    void badCountsAreBadInput(String option, String value, String message) {
        CliRun r = CliRun.of("bench", "harmonics", "--vectors", "10", option, value);
        assertThat(r.code()).isEqualTo(Main.EXIT_BAD_INPUT);
        assertThat(r.err()).contains(message);
    }
}
