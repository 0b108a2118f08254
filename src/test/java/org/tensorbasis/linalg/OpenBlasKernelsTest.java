package org.tensorbasis.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which kernels OpenBLAS runs: the ones OPENBLAS_CORETYPE names, else by the CPU's AVX-512 flags. */
class OpenBlasKernelsTest {
    private static final String AVX512 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n\n"
        + "processor\t: 1\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n";
    private static final String AVX2 = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 avx avx2 fma\n";

    @Test
    void theVariableWinsOverTheCpu() {
        assertThat(OpenBlasKernels.avx512("Haswell", AVX512)).isFalse();
        assertThat(OpenBlasKernels.avx512("ZEN", AVX512)).isFalse();
        assertThat(OpenBlasKernels.avx512("SkylakeX", AVX2)).isTrue();
        assertThat(OpenBlasKernels.avx512("cooperlake", AVX2)).isTrue();
        assertThat(OpenBlasKernels.avx512(" SAPPHIRERAPIDS ", AVX2)).isTrue();
    }

    @Test
    void unsetItFollowsTheCpuFlags() {
        assertThat(OpenBlasKernels.avx512(null, AVX512)).isTrue();
        assertThat(OpenBlasKernels.avx512("", AVX512)).isTrue();
        assertThat(OpenBlasKernels.avx512(null, AVX2)).isFalse();
        assertThat(OpenBlasKernels.avx512(null, AVX512.replace(" avx512bw", ""))).as("AVX512F without BW").isFalse();
        assertThat(OpenBlasKernels.avx512(null, "")).as("no /proc/cpuinfo").isFalse();
    }
}
