package org.diffeolens.fiji;

import ij.Macro;
import ij.gui.GenericDialog;
import java.awt.GraphicsEnvironment;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A plugin's dialog as a list of named fields, read in one of three ways with the same keys and
 * defaults: from macro options ({@code run("Diffeolens Register", "fixed=a.png alpha=4 ...")}, and
 * every headless run, where ImageJ 1.x cannot build a GenericDialog), from a GenericDialog that the
 * user fills in (ImageJ's recorder then writes the options), or, headless without options, all
 * defaults. A field's key is its label's first word in lower case, as ImageJ's recorder spells it;
 * underscores in a label show as spaces.
 *
 * <p>Macro options are parsed here rather than by GenericDialog so that a key matches only a whole
 * key ({@code iterations=} does not read {@code affine_iterations=}) and a misspelt key is an error
 * that names it instead of being silently ignored.
 */
final class Form {

    private enum Kind { CHOICE, NUMBER, CHECKBOX, STRING, DIRECTORY, FILE }

    /** One field; {@code itemNoun} words a choice that is not offered ("open image"). */
    private record Field(Kind kind, String label, String key, String[] items, String defaultValue, String units,
                         boolean remembered, String itemNoun) {
    }

    /** Last values the user entered in a dialog, per form and key, for this ImageJ session. */
    private static final Map<String, String> LAST = new HashMap<>();

    private final String title;
    private final List<Field> fields = new ArrayList<>();
    private Consumer<GenericDialog> customizer = gd -> { };

    Form(String title) {
        this.title = title;
    }

    Form choice(String label, String[] items, String defaultItem) {
        return add(new Field(Kind.CHOICE, label, key(label), items.clone(), defaultItem, null, true, "choice"));
    }

    /** A choice among the titles of the open images (not remembered: the open images change). */
    Form image(String label, String[] titles, String defaultTitle) {
        return add(new Field(Kind.CHOICE, label, key(label), titles.clone(), defaultTitle, null, false,
                "open image"));
    }

    Form number(String label, double defaultValue, String units) {
        return add(new Field(Kind.NUMBER, label, key(label), null, plain(defaultValue), units, true, null));
    }

    Form checkbox(String label, boolean defaultValue) {
        return add(new Field(Kind.CHECKBOX, label, key(label), null, Boolean.toString(defaultValue), null, true, null));
    }

    Form string(String label, String defaultValue) {
        return add(new Field(Kind.STRING, label, key(label), null, defaultValue, null, true, null));
    }

    Form directory(String label, String defaultValue) {
        return add(new Field(Kind.DIRECTORY, label, key(label), null, defaultValue, null, true, null));
    }

    Form file(String label, String defaultValue) {
        return add(new Field(Kind.FILE, label, key(label), null, defaultValue, null, true, null));
    }

    /** A hook to add listeners to the dialog (only called when a dialog is shown). */
    Form customize(Consumer<GenericDialog> c) {
        this.customizer = c;
        return this;
    }

    private Form add(Field f) {
        for (Field g : fields) {
            if (g.key.equals(f.key)) {
                throw new IllegalArgumentException("two fields with the key " + f.key);
            }
        }
        fields.add(f);
        return this;
    }

    static String key(String label) {
        return Macro.trimKey(label);
    }

    /** The shortest decimal text of a value: 9 shows as "9", 0.02 as "0.02". */
    static String plain(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * The values of every field, or null when the user cancelled the dialog. Bad macro options
     * (an unknown key, a choice that is not offered, text where a number belongs) are a UserError.
     */
    Values read() throws UserError {
        String options = Macro.getOptions();
        if (options != null) {
            return fromOptions(options);
        }
        if (GraphicsEnvironment.isHeadless()) {
            return fromOptions("");
        }
        return fromDialog();
    }

    /** The values that macro options give, as {@link #read} returns them inside run(command, options). */
    Values read(String options) throws UserError {
        return fromOptions(options);
    }

    private Values fromOptions(String options) throws UserError {
        Map<String, String> given = parseOptions(options);
        for (String k : given.keySet()) {
            if (fields.stream().noneMatch(f -> f.key.equals(k))) {
                throw new UserError("unknown option '" + k + "'. The options of " + title + " are: "
                        + String.join(", ", fields.stream().map(f -> f.key).toList()) + ".");
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Field f : fields) {
            String v = given.get(f.key);
            if (f.kind == Kind.CHECKBOX) {
                // ImageJ records a ticked checkbox as its bare key and leaves an unticked one out
                v = Boolean.toString(v != null && (v.isEmpty() || v.equalsIgnoreCase("true")));
            } else if (v == null) {
                v = f.defaultValue;
            }
            values.put(f.key, check(f, v));
        }
        return new Values(title, values, given.keySet(), checkboxKeys());
    }

    private String check(Field f, String v) throws UserError {
        if (f.kind == Kind.CHOICE && !List.of(f.items).contains(v)) {
            throw new UserError(f.key + "=" + v + ": there is no " + f.itemNoun + " '" + v + "'. The "
                    + f.itemNoun + "s are: " + String.join(", ", f.items) + ".");
        }
        if (f.kind == Kind.NUMBER) {
            try {
                Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new UserError(f.key + "=" + v + " is not a number.");
            }
        }
        return v;
    }

    private Values fromDialog() throws UserError {
        GenericDialog gd = new GenericDialog(title);
        for (Field f : fields) {
            String initial = f.remembered ? LAST.getOrDefault(title + "." + f.key, f.defaultValue) : f.defaultValue;
            switch (f.kind) {
                case CHOICE -> gd.addChoice(f.label, f.items, List.of(f.items).contains(initial) ? initial
                        : f.defaultValue);
                case NUMBER -> {
                    double d = Double.parseDouble(initial);
                    gd.addNumericField(f.label, d, decimals(initial), 8, f.units);
                }
                case CHECKBOX -> gd.addCheckbox(f.label, Boolean.parseBoolean(initial));
                case STRING -> gd.addStringField(f.label, initial, 20);
                case DIRECTORY -> gd.addDirectoryField(f.label, initial, 20);
                case FILE -> gd.addFileField(f.label, initial, 20);
                default -> throw new IllegalStateException(f.kind.toString());
            }
        }
        customizer.accept(gd);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Field f : fields) {
            String v = switch (f.kind) {
                case CHOICE -> gd.getNextChoice();
                case NUMBER -> {
                    double d = gd.getNextNumber();
                    if (Double.isNaN(d)) {
                        throw new UserError(f.key + ": " + gd.getErrorMessage());
                    }
                    yield plain(d);
                }
                case CHECKBOX -> Boolean.toString(gd.getNextBoolean());
                default -> gd.getNextString().trim();
            };
            values.put(f.key, v);
            if (f.remembered) {
                LAST.put(title + "." + f.key, v);
            }
        }
        return new Values(title, values, values.keySet(), checkboxKeys());
    }

    private Set<String> checkboxKeys() {
        Set<String> keys = new HashSet<>();
        for (Field f : fields) {
            if (f.kind == Kind.CHECKBOX) {
                keys.add(f.key);
            }
        }
        return keys;
    }

    private static int decimals(String text) {
        int dot = text.indexOf('.');
        return dot < 0 ? 0 : Math.min(9, text.length() - dot - 1);
    }

    /**
     * Macro options as ImageJ writes them: {@code key=value}, {@code key=[value with spaces]} or
     * {@code key='value'}, and a bare {@code key} for a ticked checkbox (mapped to "").
     */
    static Map<String, String> parseOptions(String options) throws UserError {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = options.length();
        while (i < n) {
            while (i < n && options.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && options.charAt(i) != '=' && options.charAt(i) != ' ') {
                i++;
            }
            String key = options.substring(start, i).toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && options.charAt(i) == '=') {
                i++;
                if (i < n && (options.charAt(i) == '[' || options.charAt(i) == '\'')) {
                    char open = options.charAt(i);
                    int end = open == '[' ? closingBracket(options, i) : options.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw new UserError("the value of '" + key + "' opens with " + open + " but never closes.");
                    }
                    value = options.substring(i + 1, end);
                    i = end + 1;
                } else {
                    int end = options.indexOf(' ', i);
                    end = end < 0 ? n : end;
                    value = options.substring(i, end);
                    i = end;
                }
            }
            out.put(key, value);
        }
        return out;
    }

    private static int closingBracket(String s, int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == '[') {
                depth++;
            } else if (s.charAt(k) == ']' && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    /** What a form returned, by key, and the macro options that reproduce it. */
    static final class Values {

        private final String title;
        private final Map<String, String> values;
        private final Set<String> given;
        private final Set<String> checkboxes;

        private Values(String title, Map<String, String> values, Set<String> given,
                       Set<String> checkboxes) {
            this.title = title;
            this.values = values;
            this.given = Set.copyOf(given);
            this.checkboxes = checkboxes;
        }

        String string(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException(title + " has no field " + key);
            }
            return v;
        }

        double number(String key) {
            return Double.parseDouble(string(key).trim());
        }

        /** A whole number; 2.5 for a count is a UserError that names the field. */
        int integer(String key) throws UserError {
            double v = number(key);
            if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                throw new UserError(key + " must be a whole number, got " + string(key) + ".");
            }
            return (int) v;
        }

        boolean checkbox(String key) {
            return Boolean.parseBoolean(string(key));
        }

        /** Whether the user gave this key (every key of a dialog counts as given). */
        boolean given(String key) {
            return given.contains(key);
        }

        /** The options in ImageJ's recorder syntax: {@code run(command, asMacroOptions())} repeats the run. */
        String asMacroOptions() {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, String> e : values.entrySet()) {
                String v = e.getValue();
                boolean box = checkboxes.contains(e.getKey());
                if (box && v.equals("false")) {
                    continue;
                }
                if (b.length() > 0) {
                    b.append(' ');
                }
                b.append(e.getKey());
                if (!box) {
                    b.append('=').append(v.isEmpty() || v.contains(" ") ? "[" + v + "]" : v);
                }
            }
            return b.toString();
        }
    }
}
