package org.tensorbasis.modelfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.Version;
import org.tensorbasis.io.Json;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.TargetLayout;

/**
 * The typed metadata every model file holds, whatever its architecture (see {@code
 * docs/model-file.md}): format name and version, the architecture, program version and commit, the
 * resolved options, provenance, and, as JSON, every target's layout and each block's normalisation.
 *
 * <p>Format versions: 1 (before architectures existed) has no {@code architecture}, {@code kind} or
 * checksum entries and is read as {@code lambda_mcov}, which is what it holds; 2 records the
 * architecture, the kind ({@code model} or {@code checkpoint}) and a SHA-256 of the whole contents
 * ({@link ModelFile#CHECKSUM}). Other versions are refused.
 */
public final class ModelMetadata {
    /** Identifies the file format. */
    public static final String FORMAT = "tensorbasis-model";
    /** Written by this program. */
    public static final int FORMAT_VERSION = 2;
    /** The architecture of format-1 files. */
    public static final String V1_ARCHITECTURE = "lambda_mcov";

    private ModelMetadata() {}

    /** The entries shared by every architecture, in the order they are written. */
    public static Map<String, String> common(String architecture, String optionsYaml, Map<String, String> provenance) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(FORMAT_VERSION));
        meta.put("kind", "model");
        meta.put("architecture", architecture);
        meta.put("program_version", Version.version());
        meta.put("options", optionsYaml);
        meta.put("provenance", Json.write(provenance));
        return meta;
    }

    /** The format version of a file (after {@link #architecture} accepted it): 1 or 2. */
    public static int version(Map<String, String> meta) {
        return "1".equals(meta.get("format_version")) ? 1 : FORMAT_VERSION;
    }

    /**
     * Checks format, version and (version 2) the file kind and checksum; returns the architecture
     * (upgrading format 1, which has neither kind nor checksum).
     *
     * @param c the file as read ({@link ModelFile#read} verified its checksum if it has one)
     */
    public static String architecture(ModelFile.Contents c, String fileName) {
        Map<String, String> meta = c.metadata();
        String a = architecture(meta, fileName);
        if (version(meta) >= 2) {
            if (!c.checksummed()) throw BadInputException.atField(fileName, ModelFile.CHECKSUM, "missing: a format-2 model file always records its checksum (damaged file?)");
            String kind = meta.get("kind");
            if (!"model".equals(kind)) {
                throw BadInputException.atField(fileName, "kind", "checkpoint".equals(kind)
                    ? "this is a training checkpoint, not a model: resume it with 'tensorbasis train OPTIONS -o MODEL --restart " + fileName
                        + "' (the run ends by writing the model, with the best weights and the refit heads)"
                    : "'" + kind + "' is not a model file");
            }
        }
        return a;
    }

    /** Checks format and version; returns the architecture (upgrading format 1). */
    public static String architecture(Map<String, String> meta, String fileName) {
        if (!FORMAT.equals(meta.get("format"))) throw BadInputException.atField(fileName, "format", "not a tensorbasis model file");
        String v = meta.get("format_version");
        if ("1".equals(v)) return V1_ARCHITECTURE;
        if (!Integer.toString(FORMAT_VERSION).equals(v)) {
            throw BadInputException.atField(fileName, "format_version", "model file format version " + v
                + " is not supported by this program (it reads versions 1 to " + FORMAT_VERSION + ")");
        }
        String a = meta.get("architecture");
        if (a == null || a.isEmpty()) throw BadInputException.atField(fileName, "architecture", "missing");
        return a;
    }

    /**
     * An optional text entry of a JSON object of the metadata (e.g. of {@code model}): {@code absent}
     * when the key is missing (files written before it existed), a {@link BadInputException} naming
     * {@code prefix + key} when it is not text.
     */
    public static String string(Map<?, ?> json, String key, String absent, String fileName, String prefix) {
        Object v = json.get(key);
        if (v == null) return absent;
        if (!(v instanceof String s)) throw BadInputException.atField(fileName, prefix + key, "is " + v + ", expected text");
        return s;
    }

    /** Provenance entries (empty if absent). */
    public static Map<String, String> provenance(Map<String, String> meta) {
        Map<String, String> prov = new LinkedHashMap<>();
        Object p = meta.get("provenance") == null ? null : Json.parse(meta.get("provenance"));
        if (p instanceof Map) for (Map.Entry<?, ?> e : ((Map<?, ?>) p).entrySet()) prov.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        return prov;
    }

    /** Every target's layout as JSON-ready objects: name, width, rank (0: spherical), symmetric, blocks [[λ, σ], …]. */
    public static List<Object> layoutsJson(Map<String, TargetLayout> layouts) {
        List<Object> targets = new ArrayList<>();
        for (Map.Entry<String, TargetLayout> e : layouts.entrySet()) {
            TargetLayout l = e.getValue();
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", e.getKey());
            t.put("width", l.width());
            t.put("rank", l.rank());
            t.put("symmetric", l.isSymmetric());
            List<Object> bl = new ArrayList<>();
            for (TargetLayout.Block b : l.blocks()) bl.add(List.of(b.lambda(), b.sigma()));
            t.put("blocks", bl);
            targets.add(t);
        }
        return targets;
    }

    /** The inverse of {@link #layoutsJson}. */
    public static Map<String, TargetLayout> layouts(Object json) {
        Map<String, TargetLayout> layouts = new LinkedHashMap<>();
        for (Object o : (List<?>) json) {
            Map<?, ?> t = (Map<?, ?>) o;
            String tname = (String) t.get("name");
            int rank = ((Number) t.get("rank")).intValue();
            boolean sym = (Boolean) t.get("symmetric");
            List<int[]> bl = new ArrayList<>();
            for (Object b : (List<?>) t.get("blocks")) bl.add(ints(b));
            TargetLayout layout;
            if (rank > 0) {
                Map<String, Boolean> keep = new LinkedHashMap<>();
                TargetLayout full = TargetLayout.cartesian(tname, rank, sym, null);
                for (TargetLayout.Block b : full.blocks()) {
                    boolean k = false;
                    for (int[] ls : bl) k |= ls[0] == b.lambda() && ls[1] == b.sigma();
                    keep.put(b.name(), k);
                }
                layout = TargetLayout.cartesian(tname, rank, sym, keep);
            } else {
                layout = TargetLayout.spherical(tname, bl);
            }
            layouts.put(tname, layout);
        }
        return layouts;
    }

    /** Each block's normalisation as JSON-ready objects (scale, species_scale, baseline). */
    public static List<Object> normalizationJson(Normalization[] norms, int species) {
        List<Object> nz = new ArrayList<>();
        for (Normalization n : norms) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scale", n.scale());
            if (n.speciesScales() != null) m.put("species_scale", n.speciesScales());
            m.put("baseline", n.hasBaseline() ? n.baselineFlat(species) : null);
            nz.add(m);
        }
        return nz;
    }

    /** The inverse of {@link #normalizationJson}, one per block of {@code layouts} in order. */
    public static Normalization[] normalization(Object json, Map<String, TargetLayout> layouts, int species) {
        List<?> nzl = (List<?>) json;
        List<Normalization> out = new ArrayList<>();
        int b = 0;
        for (TargetLayout l : layouts.values()) {
            for (TargetLayout.Block blk : l.blocks()) {
                Map<?, ?> m = (Map<?, ?>) nzl.get(b++);
                double scale = ((Number) m.get("scale")).doubleValue();
                double[][] base = null;
                if (m.get("baseline") != null) {
                    double[] flat = doubles(m.get("baseline"));
                    base = new double[species][blk.properties()];
                    for (int s = 0; s < species; s++) System.arraycopy(flat, s * blk.properties(), base[s], 0, blk.properties());
                }
                // files written before per-species scales have none: one scale for every atom
                double[] speciesScale = m.get("species_scale") == null ? null : doubles(m.get("species_scale"));
                if (speciesScale != null && speciesScale.length != species) {
                    throw new IllegalArgumentException("species_scale has " + speciesScale.length + " entries for " + species + " species");
                }
                out.add(new Normalization(scale, blk.properties(), blk.dim(), base, speciesScale));
            }
        }
        if (b != nzl.size()) throw new IllegalArgumentException(nzl.size() + " normalisations for " + b + " blocks");
        return out.toArray(new Normalization[0]);
    }

    public static int[] ints(Object o) {
        List<?> l = (List<?>) o;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).intValue();
        return out;
    }

    public static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).doubleValue();
        return out;
    }
}
