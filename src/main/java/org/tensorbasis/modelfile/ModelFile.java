package org.tensorbasis.modelfile;

import org.tensorbasis.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.AtomicFiles;
import org.tensorbasis.io.Json;

/**
 * The container of model and checkpoint files, in the safetensors layout so that common
 * scientific tools can read the weights: an 8-byte little-endian header length N, N bytes of JSON
 * header ({@code "__metadata__"}: string → string; each tensor: {@code dtype} "F64", {@code shape},
 * {@code data_offsets} [begin, end) relative to the data section), then the raw little-endian
 * float64 data. Files are written to a temporary file in the same folder and renamed into place.
 */
public final class ModelFile {
    /** A named float64 tensor. */
    public record Tensor(long[] shape, double[] data) {
        public Tensor {
            long n = 1;
            for (long d : shape) n *= d;
            if (n != data.length) throw new IllegalArgumentException("shape does not match data length " + data.length);
        }

        public static Tensor vector(double[] data) {
            return new Tensor(new long[] {data.length}, data);
        }
    }

    /**
     * What a file holds. {@code checksummed}: the file carried a {@link #CHECKSUM} entry and it matched
     * (files written before checksums existed have none).
     */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors, boolean checksummed) {
        public Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
            this(metadata, tensors, false);
        }
    }

    /**
     * Metadata key of the file's SHA-256 over every other metadata entry (key and value), every tensor's
     * name and shape, and the data section: any flipped byte of a model is found on load.
     */
    public static final String CHECKSUM = "sha256";

    /** The checksum of {@link #CHECKSUM} (hex) for these contents; the entry itself is not part of it. */
    public static String checksum(Map<String, String> metadata, Map<String, Tensor> tensors) {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().equals(CHECKSUM)) continue;
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            for (long d : e.getValue().shape()) md.update(Long.toString(d).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            for (double d : e.getValue().data()) {
                if (buf.remaining() < 8) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putDouble(d);
            }
            md.update(buf.array(), 0, buf.position());
            buf.clear();
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static final long MAX_HEADER = 100L << 20;

    private ModelFile() {}

    /** Writes atomically: a temporary file in the destination folder, then a rename; adds the {@link #CHECKSUM}. */
    public static void write(Path path, Map<String, String> metadata0, Map<String, Tensor> tensors) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(metadata0);
        metadata.remove(CHECKSUM);
        metadata.put(CHECKSUM, checksum(metadata, tensors));
        StringBuilder h = new StringBuilder("{\"__metadata__\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!first) h.append(',');
            first = false;
            Json.string(h, e.getKey());
            h.append(':');
            Json.string(h, e.getValue());
        }
        h.append('}');
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            h.append(',');
            Json.string(h, e.getKey());
            h.append(":{\"dtype\":\"F64\",\"shape\":[");
            long[] shape = e.getValue().shape();
            for (int i = 0; i < shape.length; i++) h.append(i > 0 ? "," : "").append(shape[i]);
            long bytes = 8L * e.getValue().data().length;
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (int) ((8 - (header.length % 8)) % 8);
        byte[] padded = new byte[header.length + pad];
        System.arraycopy(header, 0, padded, 0, header.length);
        for (int i = header.length; i < padded.length; i++) padded[i] = ' ';

        AtomicFiles.write(path, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
            out.write(len.array());
            out.write(padded);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : tensors.values()) {
                for (double d : t.data()) {
                    if (buf.remaining() < 8) {
                        out.write(buf.array(), 0, buf.position());
                        buf.clear();
                    }
                    buf.putDouble(d);
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    /** Reads and validates a file; any inconsistency is a {@link BadInputException} naming the file. */
    public static Contents read(Path path) {
        String name = path.toString();
        byte[] all;
        try {
            all = Files.readAllBytes(path);
        } catch (IOException e) {
            throw BadInputException.inFile(name, "cannot read model file: " + e.getMessage());
        }
        if (all.length < 8) throw BadInputException.inFile(name, "not a model file (too short: " + all.length + " bytes)");
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong(0);
        if (n <= 1 || n > MAX_HEADER || n > all.length - 8) {
            throw BadInputException.inFile(name, "not a model file or truncated (header length " + n + ", file " + all.length + " bytes)");
        }
        String header = new String(all, 8, (int) n, StandardCharsets.UTF_8).trim();
        Object parsed;
        try {
            parsed = new Load(LoadSettings.builder().setLabel(name).build()).loadFromString(header);
        } catch (RuntimeException e) {
            throw BadInputException.inFile(name, "not a model file (unreadable header)");
        }
        if (!(parsed instanceof Map)) throw BadInputException.inFile(name, "not a model file (header is not an object)");
        Map<?, ?> root = (Map<?, ?>) parsed;
        Map<String, String> meta = new LinkedHashMap<>();
        Object m = root.get("__metadata__");
        if (m instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) meta.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        long dataStart = 8 + n;
        long dataLen = all.length - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long expectedEnd = 0;
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals("__metadata__")) continue;
            if (!(e.getValue() instanceof Map)) throw BadInputException.atField(name, key, "malformed tensor entry");
            Map<?, ?> t = (Map<?, ?>) e.getValue();
            if (!"F64".equals(t.get("dtype"))) throw BadInputException.atField(name, key, "unsupported dtype " + t.get("dtype"));
            List<?> shapeL = t.get("shape") instanceof List ? (List<?>) t.get("shape") : null;
            List<?> offL = t.get("data_offsets") instanceof List ? (List<?>) t.get("data_offsets") : null;
            if (shapeL == null || offL == null || offL.size() != 2) throw BadInputException.atField(name, key, "malformed tensor entry");
            long[] shape = new long[shapeL.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = ((Number) shapeL.get(i)).longValue();
                if (shape[i] < 0) throw BadInputException.atField(name, key, "negative dimension");
                count *= shape[i];
            }
            long begin = ((Number) offL.get(0)).longValue();
            long end = ((Number) offL.get(1)).longValue();
            if (begin != expectedEnd || end - begin != 8 * count) {
                throw BadInputException.atField(name, key, "inconsistent data offsets");
            }
            if (end > dataLen) {
                throw BadInputException.atField(name, key, "truncated model file (tensor ends at byte " + (dataStart + end)
                    + ", file has " + all.length + ")");
            }
            if (count > Integer.MAX_VALUE) throw BadInputException.atField(name, key, "tensor too large");
            double[] data = new double[(int) count];
            for (int i = 0; i < data.length; i++) data[i] = bb.getDouble((int) (dataStart + begin + 8L * i));
            tensors.put(key, new Tensor(shape, data));
            expectedEnd = end;
        }
        if (expectedEnd != dataLen) {
            throw BadInputException.inFile(name, "model file has " + (dataLen - expectedEnd) + " unexpected trailing bytes");
        }
        boolean checked = false;
        String expected = meta.get(CHECKSUM);
        if (expected != null) {
            String actual = checksum(meta, tensors);
            if (!actual.equals(expected)) {
                throw BadInputException.atField(name, CHECKSUM, "checksum mismatch: the file is damaged (it records " + abbrev(expected)
                    + "…, its contents give " + abbrev(actual) + "…); use an intact copy or retrain");
            }
            checked = true;
        }
        return new Contents(meta, tensors, checked);
    }

    private static String abbrev(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
