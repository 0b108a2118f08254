package org.tensorbasis;

/**
 * Bad user input: a malformed file, a missing or mis-shaped field, an absurd option. The message
 * names where the problem is (file, frame, line, field) so that the command line can print it as
 * one line and exit with code 2.
 *
 * <p>Create one with the factory that says where the problem is: {@link #inFile}, {@link #atField},
 * {@link #field}, {@link #atFrame}, {@link #atLine}, {@link #option} or, for a place known down to
 * frame and line, {@link #at}. {@link #BadInputException(String)} is for a problem tied to no place.
 */
public class BadInputException extends RuntimeException {
    private final String file;
    private final int frame;
    private final long line;
    private final String field;

    /**
     * @param file  file name or null
     * @param frame frame index (0-based) or -1
     * @param line  line number (1-based) or -1
     * @param field field/key name or null
     */
    private BadInputException(String file, int frame, long line, String field, String message) {
        super(format(file, frame, line, field, message));
        this.file = file;
        this.frame = frame;
        this.line = line;
        this.field = field;
    }

    public BadInputException(String message) {
        this(null, -1, -1, null, message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
        this.frame = -1;
        this.line = -1;
        this.field = null;
    }

    /** A problem with a whole file (unreadable, empty, not of the expected kind). */
    public static BadInputException inFile(String file, String message) {
        return new BadInputException(file, -1, -1, null, message);
    }

    /**
     * A problem with a named setting that comes from no file: a command-line option ({@code "--threads"})
     * or a parameter of the API ({@code "cutoff"}).
     */
    public static BadInputException field(String field, String message) {
        return new BadInputException(null, -1, -1, field, message);
    }

    /** A problem with one field of a file that is not tied to a frame (e.g. a model file's tensor). */
    public static BadInputException atField(String file, String field, String message) {
        return new BadInputException(file, -1, -1, field, message);
    }

    /** A problem with a field of one frame of a structure file. */
    public static BadInputException atFrame(String file, int frame, String field, String message) {
        return new BadInputException(file, frame, -1, field, message);
    }

    /** A problem with an option of an options file (line -1 when unknown; option null for the whole line). */
    public static BadInputException option(String file, long line, String option, String message) {
        return new BadInputException(file, -1, line, option, message);
    }

    /** A problem on one line of a text file that has no frames (e.g. a CSV row); field may be null. */
    public static BadInputException atLine(String file, long line, String field, String message) {
        return new BadInputException(file, -1, line, field, message);
    }

    /**
     * A problem at a known place of a structure file: frame (0-based), line (1-based) and field; as in
     * every factory, -1 or null leaves that part out of the message.
     */
    public static BadInputException at(String file, int frame, long line, String field, String message) {
        return new BadInputException(file, frame, line, field, message);
    }

    private static String format(String file, int frame, long line, String field, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file);
        if (frame >= 0) sb.append(sb.length() > 0 ? ", " : "").append("frame ").append(frame);
        if (line >= 0) sb.append(sb.length() > 0 ? ", " : "").append("line ").append(line);
        if (field != null) sb.append(sb.length() > 0 ? ", " : "").append("field '").append(field).append("'");
        return sb.length() == 0 ? message : sb.append(": ").append(message).toString();
    }

    public String file() { return file; }
    public int frame() { return frame; }
    public long line() { return line; }
    public String field() { return field; }
}
