package org.diffeolens.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void compactFormHasExactText() {
        Json j = new Json().put("name", "brain").put("n", 3).put("big", 1L << 40).put("ok", true)
                .put("spacing", new double[] {2, 2, 3.5}).put("size", new int[] {128, 62})
                .put("nested", new Json().put("x", 0.25));
        assertEquals("{\"name\":\"brain\",\"n\":3,\"big\":1099511627776,\"ok\":true,"
                + "\"spacing\":[2.0,2.0,3.5],\"size\":[128,62],\"nested\":{\"x\":0.25}}", j.toString());
    }

    @Test
    void stringsAreEscaped() {
        String nasty = "quote\" back\\ nl\n tab\t cr\r bell\u0007 sep\u2028 é";
        String text = new Json().put("s", nasty).toString();
        assertEquals("{\"s\":\"quote\\\" back\\\\ nl\\n tab\\t cr\\r bell\\u0007 sep\\u2028 é\"}", text);
        assertEquals(nasty, ((Map<?, ?>) Json.parse(text)).get("s"));
    }

    @Test
    void nonFiniteNumbersBecomeNull() {
        Json j = new Json().put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY)
                .put("arr", new double[] {1, Double.NEGATIVE_INFINITY});
        assertEquals("{\"nan\":null,\"inf\":null,\"arr\":[1.0,null]}", j.toString());
    }

    @Test
    void prettyAndCompactFormsParseToTheSameValues() {
        Json j = new Json().put("a", List.of(1, 2.5, "x", List.of(true, false), Map.of("k", -3)))
                .put("empty", List.of()).put("obj", new Json()).put("none", (String) null)
                .put("tiny", 1.5e-300).put("neg", -0.125);
        Object compact = Json.parse(j.toString());
        Object pretty = Json.parse(j.toPrettyString());
        assertEquals(compact, pretty);
        Map<?, ?> m = (Map<?, ?>) compact;
        assertEquals(List.of(1.0, 2.5, "x", List.of(true, false), Map.of("k", -3.0)), m.get("a"));
        assertEquals(List.of(), m.get("empty"));
        assertEquals(Map.of(), m.get("obj"));
        assertTrue(m.containsKey("none"));
        assertNull(m.get("none"));
        assertEquals(1.5e-300, (Double) m.get("tiny"), 0);
        assertEquals(-0.125, (Double) m.get("neg"), 0);
        assertTrue(j.toPrettyString().contains("\n  \"a\": [\n"), j.toPrettyString());
    }

    @Test
    void doublesRoundTripExactly() {
        double[] values = {Math.PI, -1e-12, 6.02214076e23, 0.1 + 0.2, Double.MIN_VALUE, 123456789.0};
        Map<?, ?> m = (Map<?, ?>) Json.parse(new Json().put("v", values).toString());
        List<?> back = (List<?>) m.get("v");
        double[] parsed = back.stream().mapToDouble(o -> (Double) o).toArray();
        assertEquals(Arrays.toString(values), Arrays.toString(parsed));
    }

    @Test
    void parserReadsEscapesAndWhitespace() {
        Object v = Json.parse(" { \"a\" : [ 1 , -2e3 , 0.5E-1 ] ,\n\t\"b\":\"\\u00e9\\/\\\"\" , \"c\": null } ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1.0, -2000.0, 0.05), m.get("a"));
        assertEquals("é/\"", m.get("b"));
    }

    @Test
    void malformedTextIsRefusedWithItsPosition() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "[1 2]", "tru", "\"abc", "{\"a\":1} x",
            "01x", "-", "{a:1}", "\"\\q\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("invalid JSON at position "), e.getMessage());
        }
    }

    @Test
    void unsupportedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Json().put("x", List.of(new Object())));
    }
}
