package org.tensorbasis.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tensorbasis.BadInputException;

/**
 * A mapping of an options file (e.g. {@code model.soap}) read option by option: each read declares
 * the option (key, type and range, default, one line of doc) and returns the file's value or the
 * default, so that every option is defined in exactly one place. Reading a section that is absent
 * from the file returns the defaults; {@link #finish()} then rejects keys that were never declared,
 * naming the closest valid one. The declarations of a whole architecture, collected by reading an
 * empty file ({@link #specs()}), are what {@code docs/options.md} is checked against.
 */
public final class Section {
    private final String file;
    private final String path;
    private final OptionsNode node;          // null: absent from the file (defaults)
    private final Map<String, OptionsNode> entries;
    private final Set<String> declared = new LinkedHashSet<>();
    private final List<OptionSpec> specs;

    private Section(String file, String path, OptionsNode node, List<OptionSpec> specs) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.entries = node == null || node.isNull() ? new LinkedHashMap<>() : node.mapping(null);
        this.specs = specs;
    }

    /** A top-level section of a file ({@code node} null when the file has none). */
    public static Section of(String file, String path, OptionsNode node) {
        return new Section(file, path, node, new ArrayList<>());
    }

    /** The specs declared so far by this section and its subsections. */
    public List<OptionSpec> specs() { return specs; }

    /** Whether the file gave this section. */
    public boolean present() { return node != null; }

    /** Whether the file gave the option {@code key}. */
    public boolean has(String key) { return entries.containsKey(key); }

    private String child(String key) { return path.isEmpty() ? key : path + "." + key; }

    private OptionsNode declare(String key, String type, String def, String doc) {
        declared.add(key);
        specs.add(new OptionSpec(child(key), type, def, doc));
        return entries.get(key);
    }

    /** An error at this section (or at the file when the section is absent). */
    public BadInputException error(String message) {
        return node != null ? node.error(message) : BadInputException.option(file, -1, path, message);
    }

    /** An error at one of this section's options (at the section if the file did not give it). */
    public BadInputException error(String key, String message) {
        OptionsNode n = entries.get(key);
        return n != null ? n.error(message) : error(message);
    }

    public double number(String key, double def, double min, double max, String doc) {
        OptionsNode n = declare(key, "number " + fmt(min) + "–" + fmt(max), Options.fmt(def), doc);
        return n == null ? def : n.number(min, max);
    }

    public int integer(String key, int def, int min, int max, String doc) {
        OptionsNode n = declare(key, "integer " + min + "–" + max, Integer.toString(def), doc);
        return n == null ? def : (int) n.integer(min, max);
    }

    public boolean bool(String key, boolean def, String doc) {
        OptionsNode n = declare(key, "boolean", Boolean.toString(def), doc);
        return n == null ? def : n.bool();
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String choice(String key, String def, List<String> choices, String doc) {
        OptionsNode n = declare(key, String.join(" | ", choices), def, doc);
        return n == null ? def : n.choice(new LinkedHashSet<>(choices));
    }

    /** A list of numbers in [min, max], non-empty, ascending. */
    public double[] numbers(String key, double[] def, double min, double max, String doc) {
        StringBuilder d = new StringBuilder("[");
        for (int i = 0; i < def.length; i++) d.append(i > 0 ? ", " : "").append(Options.fmt(def[i]));
        OptionsNode n = declare(key, "list of numbers " + fmt(min) + "–" + fmt(max), d.append(']').toString(), doc);
        if (n == null) return def.clone();
        List<OptionsNode> items = n.sequence();
        if (items.isEmpty()) throw n.error("at least one value is required");
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = items.get(i).number(min, max);
            if (i > 0 && !(out[i] > out[i - 1])) throw items.get(i).error("values must be strictly increasing");
        }
        return out;
    }

    /** Any value, for options whose contents the caller validates (e.g. a mapping of target names); declared with its doc. */
    public OptionsNode raw(String key, String type, String def, String doc) {
        return declare(key, type, def, doc);
    }

    /** A subsection (absent from the file: all its defaults). */
    public Section section(String key, String doc) {
        OptionsNode n = declare(key, "mapping", null, doc);
        specs.remove(specs.size() - 1); // a mapping is documented by its options
        return new Section(file, child(key), n, specs);
    }

    /** Rejects every key of the file that was not declared (call after all reads). */
    public void finish() {
        for (Map.Entry<String, OptionsNode> e : entries.entrySet()) {
            if (declared.contains(e.getKey())) continue;
            String near = OptionsNode.closest(e.getKey(), declared);
            throw e.getValue().error("unknown option" + (near == null ? "" : "; did you mean '" + near + "'?")
                + " (valid: " + String.join(", ", declared) + ")");
        }
    }

    /** Shortest form of a range end: 30, 0.9, 1e-12, 1e+06. */
    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e6) return Long.toString((long) d);
        String plain = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return plain.length() <= 8 ? plain : String.format(Locale.ROOT, "%.0e", d);
    }
}
