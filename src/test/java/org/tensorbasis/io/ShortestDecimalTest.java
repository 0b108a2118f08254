package org.tensorbasis.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact-integer digits equal the general path's (parse back, BigDecimal distances) wherever they decide. */
class ShortestDecimalTest {
    /** The fast digits rendered, or null when the fast path does not decide; asserts agreement when it does. */
    private static String checked(double x) {
        double a = Math.abs(x);
        String js = Double.toString(a);
        String general = ExtXyzSyntax.general(x < 0, a, js);
        long[] fast = ShortestDecimal.digits(a, js);
        if (fast == null) return null;
        String f = ExtXyzSyntax.formatDouble(x);
        assertEquals(general, f, () -> "digits of " + x + " (bits " + Long.toHexString(Double.doubleToRawLongBits(x)) + ")");
        assertEquals(x, Double.parseDouble(f), () -> f + " does not read back as " + x);
        return f;
    }

    @Test
    void randomBitPatternsOfEveryExponentAgree() {
        SplittableRandom r = new SplittableRandom(1);
        int decided = 0, n = 200_000;
        for (int i = 0; i < n; i++) {
            double x = Double.longBitsToDouble(r.nextLong());
            if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) continue;
            if (checked(x) != null) decided++;
        }
        assertTrue(decided > n / 40, "the fast path decided only " + decided + " of " + n);  // |log10 x| ≲ 27 of ±308
    }

    @Test
    void coordinatesAndPredictionsOfUsualMagnitudesAreDecidedAndAgree() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 300_000; i++) {
            double mag = Math.pow(10, r.nextDouble(-9, 30));
            double x = (r.nextBoolean() ? 1 : -1) * mag * (0.1 + 0.9 * r.nextDouble());  // 1e-10 ≤ |x| < 1e30
            if (x == 0) continue;
            assertNotNull(checked(x), () -> "not decided: " + x);
        }
    }

    @Test
    void shortDecimalsTheirNeighboursAndRoundNumbersAgree() {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 100_000; i++) {
            // a short decimal as a data file holds it, and the doubles one and two ulps around it
            int digits = 1 + r.nextInt(17);
            long m = r.nextLong(1, (long) Math.pow(10, Math.min(digits, 18)));
            int e = r.nextInt(-12, 12);
            double x = new BigDecimal(m).scaleByPowerOfTen(e).doubleValue();
            for (int k = -2; k <= 2; k++) {
                double y = x;
                for (int j = 0; j < Math.abs(k); j++) y = k < 0 ? Math.nextDown(y) : Math.nextUp(y);
                checked(y);
            }
        }
        for (int k = 1; k < 1_000_000; k += 7) {
            checked(k);
            checked(k / 1000.0);
            checked(k * 1e-6);
        }
    }

    @Test
    void powersOfTwoTheirNeighboursAndKnownCasesAgree() {
        for (int p = -60; p <= 120; p++) {
            double x = Math.scalb(1.0, p);
            checked(x);
            checked(Math.nextUp(x));
            checked(Math.nextDown(x));
        }
        // Java 17's Double.toString is one digit too long here (JDK-4511638); Python prints the short form
        assertEquals("2e+23", ExtXyzSyntax.formatDouble(2e23));
        assertEquals("1e+23", ExtXyzSyntax.formatDouble(1e23));
        assertEquals("0.1", ExtXyzSyntax.formatDouble(0.1));
        assertEquals("0.30000000000000004", ExtXyzSyntax.formatDouble(0.1 + 0.2));
        assertEquals("5e-324", ExtXyzSyntax.formatDouble(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", ExtXyzSyntax.formatDouble(Double.MAX_VALUE));
        assertEquals("-1.5", ExtXyzSyntax.formatDouble(-1.5));
    }

    @Test
    void outsideItsRangeItLeavesTheDecisionToTheGeneralPath() {
        assertNull(ShortestDecimal.digits(Double.MIN_VALUE, Double.toString(Double.MIN_VALUE)));  // subnormal
        assertNull(ShortestDecimal.digits(1.2345e-300, Double.toString(1.2345e-300)));
        assertNull(ShortestDecimal.digits(Math.PI * 1e-14, Double.toString(Math.PI * 1e-14)));
        assertNull(ShortestDecimal.digits(Math.PI * 1e300, Double.toString(Math.PI * 1e300)));
    }

    @Test
    void compareIsExact() {
        // 3 · 2^-1 = 1.5 = 15 · 10^-1
        assertEquals(0, ShortestDecimal.compare(3, -1, 15, -1));
        assertEquals(1, ShortestDecimal.compare(3, -1, 14, -1));
        assertEquals(-1, ShortestDecimal.compare(3, -1, 16, -1));
        // 2^60 against 1152921504606846976 = 2^60 and one more
        assertEquals(0, ShortestDecimal.compare(1, 60, 1152921504606846976L, 0));
        assertEquals(-1, ShortestDecimal.compare(1, 60, 1152921504606846977L, 0));
        // 10^27 = 5^27 · 2^27
        assertEquals(0, ShortestDecimal.compare(7450580596923828125L, 27, 1, 27));
    }
}
