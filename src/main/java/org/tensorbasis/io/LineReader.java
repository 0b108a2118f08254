package org.tensorbasis.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@link java.io.BufferedReader#readLine()} (terminated by \n, \r\n or \r) but
 * refuses a line longer than a bound, so that a file without line breaks (e.g. gigabytes of NUL
 * bytes) is an error after a few megabytes instead of an {@link OutOfMemoryError}.
 */
public final class LineReader implements Closeable {
    /** Thrown for a line longer than the bound; carries the bound. */
    public static final class LineTooLongException extends IOException {
        private final int limit;

        LineTooLongException(int limit) {
            super("a line longer than " + limit + " characters");
            this.limit = limit;
        }

        public int limit() { return limit; }
    }

    private final Reader in;
    private final int maxLine;
    private final char[] buf;
    private int pos;
    private int end;
    private boolean skipLf;  // the last line ended with \r: a following \n belongs to it
    private final StringBuilder sb = new StringBuilder();

    public LineReader(Reader in, int bufferSize, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        this.buf = new char[bufferSize];
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        end = n;
        return true;
    }

    /** The next line without its terminator, or null at the end of the input. */
    public String readLine() throws IOException {
        sb.setLength(0);
        boolean any = false;
        while (true) {
            if (pos >= end && !fill()) return any ? sb.toString() : null;
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            any = true;
            int start = pos;
            while (pos < end) {
                char c = buf[pos];
                if (c == '\n' || c == '\r') {
                    int len = pos - start;
                    if (sb.length() + len > maxLine) throw new LineTooLongException(maxLine);
                    String line;
                    if (sb.length() == 0) {
                        line = new String(buf, start, len);
                    } else {
                        sb.append(buf, start, len);
                        line = sb.toString();
                    }
                    pos++;
                    skipLf = c == '\r';
                    return line;
                }
                pos++;
            }
            if (sb.length() + (pos - start) > maxLine) throw new LineTooLongException(maxLine);
            sb.append(buf, start, pos - start);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
