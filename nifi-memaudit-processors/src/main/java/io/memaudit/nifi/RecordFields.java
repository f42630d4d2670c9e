package io.memaudit.nifi;

import java.util.Objects;
import org.apache.nifi.record.path.FieldValue;
import org.apache.nifi.record.path.RecordPath;
import org.apache.nifi.serialization.record.Record;

/** Reading one value of a record through a RecordPath, the way every memaudit processor does. */
final class RecordFields {

    private RecordFields() {
    }

    /** The first string the path selects, or null when it selects none (missing, null or not a string). */
    static String text(final RecordPath path, final Record record) {
        return path.evaluate(record).getSelectedFields().map(FieldValue::getValue).filter(Objects::nonNull)
                .filter(String.class::isInstance).map(String.class::cast).findFirst().orElse(null);
    }

    /** The first number the path selects, as a double, or null. */
    static Double number(final RecordPath path, final Record record) {
        return path.evaluate(record).getSelectedFields().map(FieldValue::getValue).filter(Number.class::isInstance)
                .map(value -> ((Number) value).doubleValue()).findFirst().orElse(null);
    }
}
