package org.diffeolens.nn.report;

import java.util.List;
import java.util.Map;

/** A minimal JSON writer for reports: maps, lists, strings, numbers, booleans, null; keys in insertion order. */
public final class Json {

    private Json() {
    }

    public static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(s, value, 0);
        return s.append('\n').toString();
    }

    private static void write(StringBuilder s, Object v, int indent) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof String str) {
            string(s, str);
        } else if (v instanceof Double d) {
            s.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof Float f) {
            write(s, (double) f, indent);
        } else if (v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else if (v instanceof Map<?, ?> m) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
                string(s, String.valueOf(e.getKey()));
                s.append(": ");
                write(s, e.getValue(), indent + 1);
                first = false;
            }
            s.append(first ? "}" : "\n" + "  ".repeat(indent) + "}");
        } else if (v instanceof List<?> l) {
            boolean flat = l.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
            s.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (flat) {
                    s.append(i == 0 ? "" : ", ");
                } else {
                    s.append(i == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                }
                write(s, l.get(i), indent + 1);
            }
            s.append(flat || l.isEmpty() ? "]" : "\n" + "  ".repeat(indent) + "]");
        } else if (v instanceof int[] a) {
            write(s, java.util.Arrays.stream(a).boxed().toList(), indent);
        } else if (v instanceof double[] a) {
            write(s, java.util.Arrays.stream(a).boxed().toList(), indent);
        } else {
            string(s, v.toString());
        }
    }

    private static void string(StringBuilder s, String str) {
        s.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
