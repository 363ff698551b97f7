package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A JSON number kept exactly as the client wrote it: read like any numeric node, written back
 * character for character ({@code -0}, {@code 1.50}, {@code 1e2} stay so). Used for JSON-RPC ids,
 * which a response must echo unchanged; Jackson's own numeric nodes would normalise them.
 */
final class RawNumberNode extends NumericNode {
    private static final long serialVersionUID = 1L;
    private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
    private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private final String raw;
    private final BigDecimal value;
    private final boolean integral;

    /**
     * @param raw a JSON number token's text, as read by a parser
     * @throws NumberFormatException when its exponent is outside what {@link BigDecimal} holds
     */
    RawNumberNode(String raw) {
        this.raw = raw;
        this.value = new BigDecimal(raw);
        this.integral = raw.indexOf('.') < 0 && raw.indexOf('e') < 0 && raw.indexOf('E') < 0;
    }

    /** The number as the client wrote it. */
    String raw() {
        return raw;
    }

    @Override
    public JsonToken asToken() {
        return integral ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
    }

    @Override
    public JsonParser.NumberType numberType() {
        return integral ? JsonParser.NumberType.BIG_INTEGER : JsonParser.NumberType.BIG_DECIMAL;
    }

    @Override
    public boolean isIntegralNumber() {
        return integral;
    }

    @Override
    public boolean isFloatingPointNumber() {
        return !integral;
    }

    @Override
    public Number numberValue() {
        return integral ? value.toBigInteger() : value;
    }

    @Override
    public int intValue() {
        return value.intValue();
    }

    @Override
    public long longValue() {
        return value.longValue();
    }

    @Override
    public double doubleValue() {
        return value.doubleValue();
    }

    @Override
    public BigDecimal decimalValue() {
        return value;
    }

    @Override
    public BigInteger bigIntegerValue() {
        return value.toBigInteger();
    }

    @Override
    public boolean canConvertToInt() {
        return integral && value.compareTo(INT_MIN) >= 0 && value.compareTo(INT_MAX) <= 0;
    }

    @Override
    public boolean canConvertToLong() {
        return integral && value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0;
    }

    @Override
    public String asText() {
        return raw;
    }

    @Override
    public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
        generator.writeNumber(raw);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawNumberNode node && node.raw.equals(raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }
}
