package io.memaudit.diffusion;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The number format the UNet runs in. float32 is the reference (the seed paper scored RadEdit in fp32); float16 halves
 * the memory traffic and uses a GPU's tensor cores. A loaded TorchScript module cannot be converted through DJL (its
 * {@code Block.cast} is not implemented for TorchScript and its JNI has no module-level {@code to(dtype)}), so a
 * half-precision UNet is its own file in the bundle, {@code unet.float16.pt}, made once by
 * {@code tools/convert_unet_precision.py}; the text encoder stays float32 and dmem is computed in float32/double from
 * the UNet's outputs.
 *
 * <p>bfloat16 is not offered: DJL 0.36's PyTorch JNI has no bfloat16 mapping, and any bfloat16 array (creating one or
 * {@code toType(DataType.BFLOAT16)}) reaches a bare C++ {@code throw;} that aborts the whole JVM.
 */
public enum UnetPrecision {
    FLOAT32("float32", DataType.FLOAT32),
    FLOAT16("float16", DataType.FLOAT16);

    private final String value;
    private final DataType dataType;

    UnetPrecision(final String value, final DataType dataType) {
        this.value = value;
        this.dataType = dataType;
    }

    /** The name users write, e.g. {@code float16}. */
    public String value() {
        return value;
    }

    DataType dataType() {
        return dataType;
    }

    /** The UNet's file name without {@code .pt}: {@code unet} for float32, {@code unet.float16} for float16. */
    String moduleName() {
        return this == FLOAT32 ? "unet" : "unet." + value;
    }

    /**
     * @throws IllegalArgumentException naming the value and the precisions there are
     */
    public static UnetPrecision of(final String value) {
        if (value.equalsIgnoreCase("bfloat16")) {
            throw new IllegalArgumentException("precision bfloat16 cannot run through DJL 0.36's PyTorch engine (its JNI has "
                    + "no bfloat16 type and aborts the JVM on one); use float16 (see docs/gpu.md)");
        }
        for (final UnetPrecision precision : values()) {
            if (precision.value.equals(value.toLowerCase(Locale.ROOT))) {
                return precision;
            }
        }
        throw new IllegalArgumentException("precision '" + value + "' is not one of float32, float16");
    }
}
