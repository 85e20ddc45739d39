package org.diffeolens.io;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny JSON object builder and parser, free of dependencies: {@code info --json}, summary.json and
 * benchmark output are written with it, and tests and the lens read them back with {@link #parse}.
 * Keys keep their insertion order. NaN and infinities have no JSON form and are written as null.
 */
public final class Json {

    private final Map<String, Object> members = new LinkedHashMap<>();

    public Json put(String key, String value) {
        return set(key, value);
    }

    public Json put(String key, double value) {
        return set(key, value);
    }

    public Json put(String key, long value) {
        return set(key, value);
    }

    public Json put(String key, int value) {
        return set(key, (long) value);
    }

    public Json put(String key, boolean value) {
        return set(key, value);
    }

    public Json put(String key, int[] values) {
        return set(key, values == null ? null : values.clone());
    }

    public Json put(String key, double[] values) {
        return set(key, values == null ? null : values.clone());
    }

    public Json put(String key, Json value) {
        return set(key, value);
    }

    /**
     * A JSON array whose elements may be strings, numbers, booleans, null, Json objects, maps,
     * collections and primitive arrays, nested to any depth.
     */
    public Json put(String key, List<?> values) {
        if (values != null) {
            for (Object v : values) {
                checkWritable(v);
            }
        }
        return set(key, values == null ? null : new ArrayList<>(values));
    }

    /** A parsed JSON object (as {@link #parse} returns it) as a builder again, to nest it in another. */
    public static Json of(Map<?, ?> parsed) {
        Json j = new Json();
        for (Map.Entry<?, ?> e : parsed.entrySet()) {
            Object v = e.getValue();
            checkWritable(v);
            j.set(String.valueOf(e.getKey()), v);
        }
        return j;
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    public int size() {
        return members.size();
    }

    private Json set(String key, Object value) {
        if (key == null) {
            throw new IllegalArgumentException("a JSON key must not be null");
        }
        members.put(key, value);
        return this;
    }

    /** Compact form, one line. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        write(b, this, -1, 0);
        return b.toString();
    }

    /** Indented form (two spaces), for files people read. */
    public String toPrettyString() {
        StringBuilder b = new StringBuilder();
        write(b, this, 2, 0);
        return b.append('\n').toString();
    }

    // ---------------------------------------------------------------- writing

    private static void checkWritable(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean
                || v instanceof Json || v instanceof Character) {
            return;
        }
        if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                checkWritable(e);
            }
            return;
        }
        if (v instanceof Collection<?> c) {
            for (Object e : c) {
                checkWritable(e);
            }
            return;
        }
        if (v.getClass().isArray()) {
            return;
        }
        throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
    }

    /** indent < 0: compact. */
    private static void write(StringBuilder b, Object v, int indent, int depth) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            quote(b, s);
        } else if (v instanceof Character c) {
            quote(b, c.toString());
        } else if (v instanceof Double || v instanceof Float) {
            number(b, ((Number) v).doubleValue());
        } else if (v instanceof Number n) {
            b.append(n.longValue());
        } else if (v instanceof Boolean flag) {
            b.append(flag.booleanValue());
        } else if (v instanceof Json j) {
            writeObject(b, j.members, indent, depth);
        } else if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                copy.put(String.valueOf(e.getKey()), e.getValue());
            }
            writeObject(b, copy, indent, depth);
        } else if (v instanceof Collection<?> c) {
            writeArray(b, new ArrayList<>(c), indent, depth);
        } else if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(Array.get(v, i));
            }
            writeArray(b, list, indent, depth);
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void writeObject(StringBuilder b, Map<String, Object> m, int indent, int depth) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            newline(b, indent, depth + 1);
            quote(b, e.getKey());
            b.append(indent < 0 ? ":" : ": ");
            write(b, e.getValue(), indent, depth + 1);
        }
        newline(b, indent, depth);
        b.append('}');
    }

    private static void writeArray(StringBuilder b, List<Object> list, int indent, int depth) {
        if (list.isEmpty()) {
            b.append("[]");
            return;
        }
        // Arrays of plain values stay on one line even in the pretty form: vectors read better so.
        boolean flat = true;
        for (Object o : list) {
            flat &= !(o instanceof Json || o instanceof Map || o instanceof Collection
                    || (o != null && o.getClass().isArray()));
        }
        int inner = flat ? -1 : indent;
        b.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                b.append(flat && indent >= 0 ? ", " : ",");
            }
            newline(b, inner, depth + 1);
            write(b, list.get(i), indent, depth + 1);
        }
        newline(b, inner, depth);
        b.append(']');
    }

    private static void newline(StringBuilder b, int indent, int depth) {
        if (indent >= 0) {
            b.append('\n');
            b.append(" ".repeat(indent * depth));
        }
    }

    private static void number(StringBuilder b, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            b.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            b.append((long) d).append(".0");
        } else {
            b.append(d);
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    // Control characters and the JavaScript line separators must be escaped.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses a JSON text into Map (objects, insertion-ordered), List (arrays), Double (numbers),
     * String, Boolean and null. Malformed text raises IllegalArgumentException with the position.
     */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object value() {
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a quoted key");
                }
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                m.put(key, value());
                skipSpace();
                char c = next();
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("incomplete \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private Double number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            digits();
            if (peek() == '.') {
                pos++;
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                digits();
            }
            return Double.valueOf(s.substring(start, pos));
        }

        private void digits() {
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a digit");
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return v;
        }

        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            return s.charAt(pos++);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at position " + pos + ": " + what);
        }
    }
}
