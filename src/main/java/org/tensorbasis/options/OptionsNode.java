package org.tensorbasis.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.tensorbasis.BadInputException;

/**
 * A node of a parsed options file with its path (e.g. {@code training.learning_rate}) and line,
 * so that every error names the file, line and field. Mappings reject unknown keys with the
 * closest valid name.
 */
public final class OptionsNode {
    private final String file;
    private final String path;
    private final Node node;

    public OptionsNode(String file, String path, Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    public String path() { return path; }

    public long line() {
        return node.getStartMark().map(m -> (long) m.getLine() + 1).orElse(-1L);
    }

    public BadInputException error(String message) {
        return BadInputException.option(file, line(), path.isEmpty() ? null : path, message);
    }

    public boolean isMapping() { return node instanceof MappingNode; }

    public boolean isSequence() { return node instanceof SequenceNode; }

    public boolean isScalar() { return node instanceof ScalarNode; }

    public boolean isNull() {
        return node instanceof ScalarNode && isNullText(((ScalarNode) node).getValue());
    }

    private static boolean isNullText(String s) {
        return s.isEmpty() || s.equals("~") || s.equals("null") || s.equals("Null") || s.equals("NULL");
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Entries of a mapping, in file order; rejects keys outside {@code allowed} (null: any). */
    public Map<String, OptionsNode> mapping(Set<String> allowed) {
        if (!(node instanceof MappingNode)) throw error("expected a mapping (key: value lines)");
        Map<String, OptionsNode> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw new OptionsNode(file, path, t.getKeyNode()).error("keys must be plain names");
            }
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            OptionsNode value = new OptionsNode(file, child(key), t.getValueNode());
            if (allowed != null && !allowed.contains(key)) {
                String near = closest(key, allowed);
                throw new OptionsNode(file, child(key), t.getKeyNode()).error("unknown option"
                    + (near == null ? "" : "; did you mean '" + near + "'?") + " (valid: " + String.join(", ", allowed) + ")");
            }
            if (out.containsKey(key)) throw value.error("duplicate key");
            out.put(key, value);
        }
        return out;
    }

    public List<OptionsNode> sequence() {
        if (!(node instanceof SequenceNode)) throw error("expected a list");
        List<OptionsNode> out = new ArrayList<>();
        int i = 0;
        for (Node n : ((SequenceNode) node).getValue()) out.add(new OptionsNode(file, path + "[" + (i++) + "]", n));
        return out;
    }

    public String text() {
        if (!(node instanceof ScalarNode)) throw error("expected a single value");
        return ((ScalarNode) node).getValue();
    }

    public String string() {
        String s = text();
        if (isNullText(s)) throw error("a value is required");
        return s;
    }

    public double number() {
        String s = text().trim();
        try {
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d)) throw error("must be a finite number, got " + s);
            return d;
        } catch (NumberFormatException e) {
            throw error("expected a number, got '" + s + "'");
        }
    }

    public double number(double min, double max) {
        double d = number();
        if (d < min || d > max) throw error("must be in [" + min + ", " + max + "], got " + d);
        return d;
    }

    public long integer(long min, long max) {
        String s = text().trim();
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("expected an integer, got '" + s + "'");
        }
        if (v < min || v > max) throw error("must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    public boolean bool() {
        String s = text().trim().toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default: throw error("expected true or false, got '" + text() + "'");
        }
    }

    /** One of the given choices (case-insensitive), returned in lower case. */
    public String choice(Set<String> choices) {
        String s = string().trim().toLowerCase(java.util.Locale.ROOT);
        if (!choices.contains(s)) {
            String near = closest(s, choices);
            throw error("'" + text() + "' is not one of " + String.join(", ", choices)
                + (near == null ? "" : "; did you mean '" + near + "'?"));
        }
        return s;
    }

    /** The closest name by edit distance, if reasonably close. */
    public static String closest(String key, Set<String> names) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), n.toLowerCase(java.util.Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 2) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
