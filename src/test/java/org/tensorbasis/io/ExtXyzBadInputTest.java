package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.BadInputException;

/** One test per kind of bad input: the exception names file, 0-based frame, 1-based line and field. */
class ExtXyzBadInputTest {
    private static final String GOOD = "2\nProperties=species:S:1:pos:R:3:q:R:1 e=1.0\nO 0 0 0 0.5\nH 1 0 0 0.5\n";

    @TempDir
    Path dir;

    private BadInputException fail(String text, int frame, long line, String field) throws IOException {
        Path f = dir.resolve("bad.xyz");
        Files.writeString(f, text);
        BadInputException e = catchThrowableOfType(BadInputException.class,
            () -> ExtXyzReader.readAll(f, w -> { }));
        assertThat(e).as("expected a BadInputException").isNotNull();
        assertThat(e.file()).isEqualTo(f.toString());
        assertThat(e.frame()).isEqualTo(frame);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(f.toString(), "frame " + frame, "line " + line, "field '" + field + "'");
        return e;
    }

    @Test
    void goodFileReads() throws IOException {
        Path f = dir.resolve("good.xyz");
        Files.writeString(f, GOOD + GOOD);
        assertThat(ExtXyzReader.readAll(f)).hasSize(2);
    }

    /** A model file where a structures file belongs (e.g. the arguments of eval swapped) is named as such. */
    @Test
    void aModelFileIsNamedAsOne() throws IOException {
        Path model = dir.resolve("m.tbm");
        org.tensorbasis.modelfile.ModelFile.write(model, java.util.Map.of("format", "tensorbasis-model"),
            java.util.Map.of("w", org.tensorbasis.modelfile.ModelFile.Tensor.vector(new double[] {1, 2})));
        BadInputException e = catchThrowableOfType(BadInputException.class, () -> ExtXyzReader.readAll(model, w -> { }));
        assertThat(e.field()).isEqualTo("atom count");
        assertThat(e.getMessage()).contains("m.tbm").contains("tensorbasis model or checkpoint file");
    }

    @Test
    void emptyFile() throws IOException {
        assertThat(fail("", 0, 1, "atom count").getMessage()).contains("empty file");
        fail("\n\n", 0, 1, "atom count");
    }

    @Test
    void truncatedFrameInAtoms() throws IOException {
        assertThat(fail(GOOD + "3\ne=2.0\nO 0 0 0\n", 1, 8, "species").getMessage()).contains("truncated", "1 of 3");
    }

    @Test
    void truncatedFrameBeforeComment() throws IOException {
        fail(GOOD + "3\n", 1, 6, "comment line");
    }

    @Test
    void atomCountNotAnInteger() throws IOException {
        fail("two\n\nO 0 0 0\n", 0, 1, "atom count");
    }

    @Test
    void atomCountNotPositive() throws IOException {
        fail(GOOD + "0\n\n", 1, 5, "atom count");
        fail("-2\n\nO 0 0 0\n", 0, 1, "atom count");
    }

    @Test
    void fewerAtomsThanAnnounced() throws IOException {
        // frame 0 announces 3 atoms but has 2: the next count line is read as an atom line
        String text = "3\ne=1\nO 0 0 0\nH 1 0 0\n" + GOOD;
        assertThat(fail(text, 0, 5, "atom count").getMessage()).contains("fewer atom lines");
        // the same with atomic numbers as the first column
        fail("3\nProperties=Z:I:1:pos:R:3\n8 0 0 0\n1 1 0 0\n1\n\nH 0 0 0\n", 0, 5, "atom count");
    }

    @Test
    void moreAtomsThanAnnounced() throws IOException {
        String text = "1\ne=1\nO 0 0 0\nH 1 0 0\n" + GOOD;
        assertThat(fail(text, 1, 4, "atom count").getMessage()).contains("more atom lines");
    }

    @Test
    void nonNumericPosition() throws IOException {
        fail("1\n\nO 0 zero 0\n", 0, 3, "pos");
    }

    @Test
    void nonNumericExtraColumn() throws IOException {
        fail(GOOD.replace("H 1 0 0 0.5", "H 1 0 0 half"), 0, 4, "q");
    }

    @Test
    void nonIntegerInIntColumn() throws IOException {
        fail("1\nProperties=species:S:1:pos:R:3:tag:I:1\nO 0 0 0 1.5\n", 0, 3, "tag");
    }

    @Test
    void badLogicalColumn() throws IOException {
        fail("1\nProperties=species:S:1:pos:R:3:fix:L:1\nO 0 0 0 yes\n", 0, 3, "fix");
    }

    @Test
    void unknownElement() throws IOException {
        fail("1\n\nXx 0 0 0\n", 0, 3, "species");
    }

    @Test
    void elementSymbolsAreCaseSensitive() throws IOException {
        fail("1\n\nCL 0 0 0\n", 0, 3, "species");
    }

    @Test
    void atomicNumberOutOfRange() throws IOException {
        fail("1\nProperties=Z:I:1:pos:R:3\n119 0 0 0\n", 0, 3, "Z");
    }

    @Test
    void speciesAndZDisagree() throws IOException {
        fail("1\nProperties=species:S:1:pos:R:3:Z:I:1\nO 0 0 0 6\n", 0, 3, "Z");
    }

    @Test
    void atomLineWithFewerColumnsThanProperties() throws IOException {
        fail(GOOD.replace("H 1 0 0 0.5", "H 1 0 0"), 0, 4, "q");
    }

    @Test
    void atomLineWithMoreColumnsThanProperties() throws IOException {
        assertThat(fail(GOOD.replace("H 1 0 0 0.5", "H 1 0 0 0.5 7"), 0, 4, "Properties").getMessage())
            .contains("6 columns", "declare 5");
    }

    @Test
    void nanPosition() throws IOException {
        fail("1\n\nO 0 nan 0\n", 0, 3, "pos");
    }

    @Test
    void infinitePosition() throws IOException {
        fail(GOOD + "1\n\nO 0 0 -inf\n", 1, 7, "pos");
    }

    @Test
    void duplicateKey() throws IOException {
        fail("1\ne=1 f=2 e=3\nO 0 0 0\n", 0, 2, "e");
    }

    @Test
    void latticeWithEightNumbers() throws IOException {
        fail("1\nLattice=\"1 0 0 0 1 0 0 0\"\nO 0 0 0\n", 0, 2, "Lattice");
    }

    @Test
    void latticeNotNumeric() throws IOException {
        fail("1\nLattice=\"1 0 0 0 1 0 0 0 x\"\nO 0 0 0\n", 0, 2, "Lattice");
    }

    @Test
    void degeneratePeriodicLattice() throws IOException {
        assertThat(fail("1\nLattice=\"1 0 0 1 0 0 0 0 1\"\nO 0 0 0\n", 0, 2, "Lattice").getMessage())
            .contains("a1, a2, a3", "coplanar");
    }

    @Test
    void zeroVectorAlongPeriodicAxis() throws IOException {
        // ASE's graphene(vacuum=None) lattice with pbc T T T (no pbc key means periodic) is degenerate
        assertThat(fail(GOOD + "1\nLattice=\"2.46 0.0 0.0 -1.23 2.13 0.0 0.0 0.0 0.0\"\nC 0 0 0\n", 1, 6, "Lattice")
            .getMessage()).contains("a3", "zero", "axis 3 is periodic");
    }

    @Test
    void parallelPeriodicVectorsOfASlab() throws IOException {
        assertThat(fail("1\nLattice=\"2 0 0 -4 0 0 0 0 0\" pbc=\"T T F\"\nC 0 0 0\n", 0, 2, "Lattice").getMessage())
            .contains("a1 and a2", "parallel");
    }

    @Test
    void badPbcCount() throws IOException {
        fail("1\nLattice=\"1 0 0 0 1 0 0 0 1\" pbc=\"T T\"\nO 0 0 0\n", 0, 2, "pbc");
    }

    @Test
    void badPbcValues() throws IOException {
        fail("1\npbc=\"1 1 1\"\nO 0 0 0\n", 0, 2, "pbc");
    }

    @Test
    void unknownPropertyType() throws IOException {
        fail("1\nProperties=species:S:1:pos:X:3\nO 0 0 0\n", 0, 2, "Properties");
    }

    @Test
    void propertiesNotTriplets() throws IOException {
        fail("1\nProperties=species:S:1:pos:R\nO 0 0 0\n", 0, 2, "Properties");
    }

    @Test
    void positionsWithWrongWidth() throws IOException {
        fail("1\nProperties=species:S:1:pos:R:2\nO 0 0\n", 0, 2, "Properties");
    }

    @Test
    void unclosedQuoteInComment() throws IOException {
        fail("1\nname=\"abc\nO 0 0 0\n", 0, 2, "comment line");
    }

    @Test
    void blankLineBetweenFrames() throws IOException {
        fail(GOOD + "\n" + GOOD, 1, 5, "atom count");
    }

    @Test
    void warningsDoNotHideErrorsAndReaderStopsAtFirstBadFrame() throws IOException {
        Path f = dir.resolve("mixed.xyz");
        Files.writeString(f, GOOD + "1\n\nQ 0 0 0\n");
        var got = new ArrayList<Integer>();
        try (ExtXyzReader r = new ExtXyzReader(f)) {
            got.add(r.next().size());
            BadInputException e = catchThrowableOfType(BadInputException.class, r::next);
            assertThat(e.frame()).isEqualTo(1);
            assertThat(r.hasNext()).isFalse();
        }
        assertThat(got).containsExactly(2);
    }
}
