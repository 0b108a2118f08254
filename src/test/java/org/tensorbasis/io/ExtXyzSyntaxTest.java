package org.tensorbasis.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorbasis.io.ExtXyzSyntax.Pair;
import org.tensorbasis.structure.Value;

class ExtXyzSyntaxTest {

    static Stream<Long> seeds() {
        return IntStream.range(0, 20).mapToObj(i -> 1000L + i);
    }

    private static double parse(String s) {
        return ExtXyzSyntax.parseDouble(s, 0, s.length());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void parseDoubleIsBitIdenticalToJava(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 1500; i++) {
            double x = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30));
                case 2 -> Double.longBitsToDouble(r.nextLong(0, 1L << 52));
                default -> Math.round(r.nextDouble() * 1e7) / 1e7 * 100;
            };
            if (!Double.isFinite(x)) continue;
            String[] texts = {
                Double.toString(x), ExtXyzSyntax.formatDouble(x), String.format("%.6f", x), String.format("%.17g", x),
                String.format("%.8e", x), String.format("%16.8f", x).strip(), String.format("%.25f", x)
            };
            for (String t : texts) {
                assertThat(Double.doubleToRawLongBits(parse(t)))
                    .as(t).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(t)));
            }
            assertThat(Double.doubleToRawLongBits(parse(ExtXyzSyntax.formatDouble(x)))).isEqualTo(Double.doubleToRawLongBits(x));
        }
    }

    @Test
    void parseDoubleAcceptsPythonSpellings() {
        assertThat(parse("1e-05")).isEqualTo(1e-5);
        assertThat(parse("1.0E-5")).isEqualTo(1e-5);
        assertThat(parse("+.5")).isEqualTo(0.5);
        assertThat(parse("5.")).isEqualTo(5.0);
        assertThat(parse("-0.000000")).isEqualTo(-0.0).matches(d -> Double.doubleToRawLongBits(d) < 0);
        assertThat(parse("nan")).isNaN();
        assertThat(parse("NaN")).isNaN();
        assertThat(parse("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(parse("Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(parse("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(parse("00012.50")).isEqualTo(12.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "e5", "1e", "1e+", "1.2.3", "1d", "1f", "0x1p3", "--1", "1,0", "abc", ".", "in", "nanx", "1 "})
    void parseDoubleRejectsNonPythonFloats(String s) {
        assertThat(ExtXyzSyntax.failed(parse(s))).as(s).isTrue();
    }

    @Test
    void formatDoubleMatchesPythonRepr() {
        // expected strings are Python 3 repr() outputs
        assertThat(ExtXyzSyntax.formatDouble(0.1)).isEqualTo("0.1");
        assertThat(ExtXyzSyntax.formatDouble(1e-5)).isEqualTo("1e-05");
        assertThat(ExtXyzSyntax.formatDouble(0.0001)).isEqualTo("0.0001");
        assertThat(ExtXyzSyntax.formatDouble(1e16)).isEqualTo("1e+16");
        assertThat(ExtXyzSyntax.formatDouble(9999999999999998.0)).isEqualTo("9999999999999998.0");
        assertThat(ExtXyzSyntax.formatDouble(123456789.0)).isEqualTo("123456789.0");
        assertThat(ExtXyzSyntax.formatDouble(5e-324)).isEqualTo("5e-324");
        assertThat(ExtXyzSyntax.formatDouble(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(ExtXyzSyntax.formatDouble(-2.5453267381609136e+25)).isEqualTo("-2.5453267381609136e+25");
        assertThat(ExtXyzSyntax.formatDouble(-0.0)).isEqualTo("-0.0");
        assertThat(ExtXyzSyntax.formatDouble(Double.NaN)).isEqualTo("nan");
        assertThat(ExtXyzSyntax.formatDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ExtXyzSyntax.formatDouble(2.0)).isEqualTo("2.0");
    }

    private static List<Pair> pairs(String s) throws Exception {
        return ExtXyzSyntax.splitPairs(s);
    }

    @Test
    void commentLineGrammarFollowsAse() throws Exception {
        assertThat(pairs("a=1 b=\"x y\" c='p q' d={1 2} e=[3, 4] f g = 5 h=a=b i=\"say \\\"hi\\\"\" j=x\\ y"))
            .containsExactly(new Pair("a", "1"), new Pair("b", "x y"), new Pair("c", "p q"), new Pair("d", "1 2"),
                new Pair("e", "3, 4"), new Pair("f", null), new Pair("g", "5"), new Pair("h", "a=b"),
                new Pair("i", "say \"hi\""), new Pair("j", "x y"));
        assertThat(pairs("  ")).isEmpty();
        assertThat(pairs("a=\"\" b=2")).containsExactly(new Pair("a", ""), new Pair("b", "2"));
        assertThatThrownBy(() -> pairs("a=\"open")).isInstanceOf(ExtXyzSyntax.SyntaxError.class);
        assertThatThrownBy(() -> pairs("=3")).isInstanceOf(ExtXyzSyntax.SyntaxError.class);
    }

    @Test
    void infoValuesAreTypedLikeAse() throws Exception {
        assertThat(ExtXyzSyntax.inferInfo("3")).isEqualTo(Value.scalar(3L));
        assertThat(ExtXyzSyntax.inferInfo("3.0")).isEqualTo(Value.scalar(3.0));
        assertThat(ExtXyzSyntax.inferInfo("1 2 3")).isEqualTo(Value.ofInts(1, 3, new long[] {1, 2, 3}));
        assertThat(ExtXyzSyntax.inferInfo("0.1 2 3")).isEqualTo(Value.row(0.1, 2, 3));
        assertThat(ExtXyzSyntax.inferInfo("1, 2.5")).isEqualTo(Value.row(1, 2.5));
        assertThat(ExtXyzSyntax.inferInfo("T")).isEqualTo(Value.scalar(true));
        assertThat(ExtXyzSyntax.inferInfo("False")).isEqualTo(Value.scalar(false));
        assertThat(ExtXyzSyntax.inferInfo("T F True")).isEqualTo(Value.ofBools(1, 3, new boolean[] {true, false, true}));
        assertThat(ExtXyzSyntax.inferInfo(null)).isEqualTo(Value.scalar(true));
        assertThat(ExtXyzSyntax.inferInfo("ABAROL")).isEqualTo(Value.scalar("ABAROL"));
        assertThat(ExtXyzSyntax.inferInfo("1 2 x")).isEqualTo(Value.scalar("1 2 x"));
        assertThat(ExtXyzSyntax.inferInfo("99999999999999999999")).isEqualTo(Value.scalar(1e20));
        assertThat(ExtXyzSyntax.inferInfo("_JSON [\"a\", \"b c\"]")).isEqualTo(Value.ofStrings(1, 2, new String[] {"a", "b c"}));
        assertThat(ExtXyzSyntax.inferInfo("_JSON [[1, 2], [3, 4]]")).isEqualTo(Value.ofInts(2, 2, new long[] {1, 2, 3, 4}));
        assertThat(ExtXyzSyntax.inferInfo("_JSON [1.5]")).isEqualTo(Value.ofReals(1, 1, new double[] {1.5}));
        assertThat(ExtXyzSyntax.inferInfo("_JSON \"12\"")).isEqualTo(Value.scalar("12"));
        assertThat(ExtXyzSyntax.inferInfo("_JSON [true, false]")).isEqualTo(Value.ofBools(1, 2, new boolean[] {true, false}));
        assertThatThrownBy(() -> ExtXyzSyntax.inferInfo("_JSON {\"a\": 1}")).isInstanceOf(ExtXyzSyntax.SyntaxError.class);
    }
}
