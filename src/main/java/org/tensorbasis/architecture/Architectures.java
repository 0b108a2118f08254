package org.tensorbasis.architecture;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.tensorbasis.BadInputException;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.modelfile.ModelMetadata;

/** The registered architectures (found with {@link ServiceLoader}) and loading of any model file. */
public final class Architectures {
    private static final Map<String, Architecture> ALL = discover();

    private Architectures() {}

    private static Map<String, Architecture> discover() {
        Map<String, Architecture> out = new LinkedHashMap<>();
        for (Architecture a : ServiceLoader.load(Architecture.class, Architectures.class.getClassLoader())) out.put(a.name(), a);
        return out;
    }

    /** Names of the registered architectures. */
    public static java.util.Set<String> names() {
        return ALL.keySet();
    }

    /** The architecture of that name. */
    public static Architecture get(String name) {
        Architecture a = ALL.get(name);
        if (a == null) throw new BadInputException("unknown architecture '" + name + "' (known: " + String.join(", ", ALL.keySet()) + ")");
        return a;
    }

    /**
     * Loads a model file of any architecture (the file records it; format-1 files are λ-MCoV), wrapped in a
     * {@link TransformedModel} when a target has a transform (its stored options say so; older files have none).
     */
    public static TrainedModel load(Path path, int threads) {
        ModelFile.Contents c = ModelFile.read(path);
        String name = path.toString();
        if (c.metadata().containsKey("checkpoint") && !"checkpoint".equals(c.metadata().get("kind"))) {
            // format 1 checkpoints have no kind
            throw BadInputException.atField(name, "kind", "this is a training checkpoint, not a model: resume it with 'tensorbasis train OPTIONS -o MODEL --restart "
                + name + "' (the run ends by writing the model, with the best weights and the refit heads)");
        }
        TrainedModel residual = ResidualModel.fromContents(c, name, threads);
        if (residual != null) return TransformedModel.wrap(residual);
        String arch = ModelMetadata.architecture(c, name);
        return TransformedModel.wrap(get(arch, name).load(c, name, threads)); // predictions in the targets' own units
    }

    /** The architecture a model file names; the error names the file. */
    static Architecture get(String arch, String fileName) {
        Architecture a = ALL.get(arch);
        if (a == null) {
            throw BadInputException.atField(fileName, "architecture", "'" + arch + "' is not an architecture of this program (known: "
                + String.join(", ", ALL.keySet()) + ")");
        }
        return a;
    }
}
