package io.memaudit.training;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Reads any image ImageIO decodes (PNG, JPEG, ...) as grayscale pixels in [0, 1], and writes 8-bit grayscale PNGs. */
public final class GrayscaleImages {

    private GrayscaleImages() {
    }

    /**
     * The image at {@code file} as {@code height * width} grayscale values in [0, 1], row by row, resized when its size
     * differs (each output pixel averages the source pixels whose centres fall in it, or takes the nearest one when
     * enlarging). Colour images are converted with Rec. 601 luma weights; 16-bit grayscale keeps its range.
     *
     * @throws IOException when the file cannot be read or is not an image ImageIO can decode
     */
    public static float[] read(final Path file, final int height, final int width) throws IOException {
        final BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        }
        if (image == null) {
            throw new IOException(file + " is not an image this reader can decode (PNG, JPEG, BMP or GIF)");
        }
        return resize(gray(image), image.getHeight(), image.getWidth(), height, width);
    }

    /** Writes {@code pixels} (values in [0, 1], clipped) as an 8-bit grayscale PNG. */
    public static void writePng(final OutputStream out, final float[] pixels, final int height, final int width)
            throws IOException {
        if (pixels.length != height * width) {
            throw new IllegalArgumentException(pixels.length + " pixels do not make a " + height + "x" + width + " image");
        }
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        final int[] levels = new int[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            levels[i] = (int) Math.round(Math.clamp(pixels[i], 0f, 1f) * 255.0);
        }
        image.getRaster().setPixels(0, 0, width, height, levels);
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("No PNG writer is available in this Java runtime");
        }
    }

    private static float[] gray(final BufferedImage image) {
        final int width = image.getWidth();
        final int height = image.getHeight();
        final float[] values = new float[width * height];
        final Raster raster = image.getRaster();
        final boolean singleBand = raster.getNumBands() == 1 && image.getColorModel().getNumComponents() == 1;
        if (singleBand) {
            final double maximum = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    values[y * width + x] = (float) (raster.getSample(x, y, 0) / maximum);
                }
            }
            return values;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                final int rgb = image.getRGB(x, y);
                final double luma = 0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
                values[y * width + x] = (float) (luma / 255.0);
            }
        }
        return values;
    }

    private static float[] resize(final float[] source, final int sourceHeight, final int sourceWidth, final int height,
                                  final int width) {
        if (sourceHeight == height && sourceWidth == width) {
            return source;
        }
        final float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            final int top = (int) Math.ceil((double) y * sourceHeight / height - 0.5);
            final int bottom = (int) Math.ceil((double) (y + 1) * sourceHeight / height - 0.5);
            for (int x = 0; x < width; x++) {
                final int leftEdge = (int) Math.ceil((double) x * sourceWidth / width - 0.5);
                final int rightEdge = (int) Math.ceil((double) (x + 1) * sourceWidth / width - 0.5);
                if (bottom <= top || rightEdge <= leftEdge) {
                    final int nearestY = Math.min(sourceHeight - 1, (int) ((y + 0.5) * sourceHeight / height));
                    final int nearestX = Math.min(sourceWidth - 1, (int) ((x + 0.5) * sourceWidth / width));
                    out[y * width + x] = source[nearestY * sourceWidth + nearestX];
                    continue;
                }
                double sum = 0;
                for (int sy = top; sy < bottom; sy++) {
                    for (int sx = leftEdge; sx < rightEdge; sx++) {
                        sum += source[sy * sourceWidth + sx];
                    }
                }
                out[y * width + x] = (float) (sum / ((bottom - top) * (rightEdge - leftEdge)));
            }
        }
        return out;
    }
}
