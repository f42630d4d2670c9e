package io.memaudit.dataset;

import java.util.List;

/**
 * What a command does to each record of a dataset: rewrite its text and append fields (marker counts, dmem scores).
 * Called exactly once per record: in order, unless the transform is {@link #concurrent()}.
 */
public interface RecordTransform {

    /** Names of the fields appended to every record, in order; an input field of the same name is replaced. */
    List<String> addedFields();

    /**
     * @param text the record's text field, or null when it is missing or not a string
     * @param key the record's key field as text, or null
     * @return the text to write back (ignored when {@code text} was null) and the added fields' values, in order
     */
    Result apply(String text, String key);

    /**
     * Whether {@link #apply} may be called from several threads at once and out of order (the output still keeps the
     * input order): true only when a record's result depends on that record alone. Default: false.
     */
    default boolean concurrent() {
        return false;
    }

    /** The new text and the appended values (strings, numbers, booleans or null). */
    record Result(String text, List<Object> values) {
    }
}
