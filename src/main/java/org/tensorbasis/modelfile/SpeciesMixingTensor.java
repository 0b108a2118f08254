package org.tensorbasis.modelfile;

import java.util.Arrays;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.descriptors.DescriptorSettings;

/**
 * The species mixing of compressed neighbour-species channels in a model file (both architectures): the tensor
 * {@value #NAME} of shape [S, d], rows in the order of the model's sorted species. Absent = one-hot channels (every
 * file written before compressed channels existed).
 */
public final class SpeciesMixingTensor {
    private SpeciesMixingTensor() {}

    /** Name of the tensor. */
    public static final String NAME = "soap.species_mixing";

    /** The tensor of a descriptor's mixing, or null for one-hot channels. */
    public static ModelFile.Tensor of(DescriptorSettings d) {
        double[] w = d.mixing();
        if (w == null) return null;
        return new ModelFile.Tensor(new long[] {d.species().length, d.channels()}, w);
    }

    /**
     * The mixing stored in a model file (S × d row-major), or null when the file has none.
     *
     * @throws BadInputException naming the file and tensor if its shape is not [S, d] with 1 ≤ d ≤ S or a weight is not finite
     */
    public static double[] read(Map<String, ModelFile.Tensor> tensors, String file, int species) {
        ModelFile.Tensor t = tensors.get(NAME);
        if (t == null) return null;
        long[] sh = t.shape();
        if (sh.length != 2 || sh[0] != species || sh[1] < 1 || sh[1] > species) {
            throw BadInputException.atField(file, NAME, "has shape " + Arrays.toString(sh) + ", expected [" + species + ", d] with 1 ≤ d ≤ " + species);
        }
        for (double v : t.data()) if (!Double.isFinite(v)) throw BadInputException.atField(file, NAME, "holds a non-finite weight");
        return t.data().clone();
    }
}
