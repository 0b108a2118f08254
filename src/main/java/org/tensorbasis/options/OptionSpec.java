package org.tensorbasis.options;

/**
 * One documented option: its dotted path (e.g. {@code model.soap.cutoff}), the type and range as
 * shown in {@code docs/options.md}, its default as YAML text ({@code null}: no plain default, e.g.
 * "required" or "inferred"), and a one-line description. Options of an architecture are declared
 * once, where they are read ({@link Section}); the list of specs is what the docs are checked against.
 */
public record OptionSpec(String path, String type, String defaultYaml, String doc) {}
