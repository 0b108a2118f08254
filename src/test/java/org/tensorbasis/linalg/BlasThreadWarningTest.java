package org.tensorbasis.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The BLAS line warns when OpenBLAS may run threads of its own beside tensorbasis' (OPENBLAS_NUM_THREADS unset), and names kernels the environment forces. */
class BlasThreadWarningTest {
    @Test
    void warnsOnlyWhenUnsetOnSeveralCores() {
        assertThat(Gemm.threadWarning(null, 2)).contains("OPENBLAS_NUM_THREADS is not set").contains("export OPENBLAS_NUM_THREADS=1");
        assertThat(Gemm.threadWarning("1", 2)).isEmpty();
        assertThat(Gemm.threadWarning("4", 8)).as("the user's own choice").isEmpty();
        assertThat(Gemm.threadWarning(null, 1)).isEmpty();
    }

    @Test
    void namesKernelsForcedByTheEnvironment() {
        assertThat(Gemm.coreTypeNote("Haswell")).contains("kernels for Haswell").contains("OPENBLAS_CORETYPE");
        assertThat(Gemm.coreTypeNote(null)).isEmpty();
        assertThat(Gemm.coreTypeNote(" ")).isEmpty();
    }
}
