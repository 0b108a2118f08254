package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The command line builds only the subcommand it is asked for; help, a typo or nothing at all still list every one. */
class MainTest {
    static final String[] ALL = {"help", "inspect", "train", "eval", "diagnose", "bench", "report"};

    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        assertThat(Main.commandLine(new String[] {"eval", "m.tbm", "x.xyz"}).getSubcommands()).containsOnlyKeys("eval");
        assertThat(Main.commandLine(new String[] {"bench", "model"}).getSubcommands()).containsOnlyKeys("bench");
        assertThat(Main.commandLine(new String[] {"help", "eval"}).getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine(new String[] {"evl"}).getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine(new String[] {"--help"}).getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine(new String[0]).getSubcommands().keySet()).containsExactly(ALL);
        assertThat(Main.commandLine().getSubcommands().keySet()).containsExactly(ALL);
    }

    @Test
    void aTypoIsStillAnsweredWithTheNearestCommand() {
        CliRun r = CliRun.of("evl");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'evl'").contains("Did you mean: tensorbasis eval?");
        CliRun h = CliRun.of("help", "eval");
        assertThat(h.code()).isEqualTo(0);
        assertThat(h.out()).contains("Usage: tensorbasis eval");
    }
}
