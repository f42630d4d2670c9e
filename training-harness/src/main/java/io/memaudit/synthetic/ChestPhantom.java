package io.memaudit.synthetic;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A procedural chest radiograph ("phantom"): everything is drawn from shapes and random fields, nothing is copied from a
 * real image. Dark lung fields with rib stripes and smooth lung markings, a bright mediastinum and heart, diaphragm domes
 * under the lungs, soft tissue around them, and the {@link Finding}s drawn on top: pleural effusion (a fluid level that
 * blunts the base, rising laterally), cardiomegaly (a larger heart), opacity (a blob in a lobe), pneumothorax (a lucent
 * rim without lung markings, with a thin pleural line), tubes and catheters (a thin bright line).
 *
 * <p>Each image's geometry, texture, exposure and noise come from its own seed (patient variation); findings come from the
 * caller. A <em>twin</em> has the same findings and a fresh seed, so comparing a sample with its own training image and
 * with twins tells copying the image apart from drawing the findings. Pixels are row-major, values in [0, 1]; the
 * patient's right is on the image's left. Deterministic for given findings, seed and size.
 */
public final class ChestPhantom {
    /** Mixed into an image's seed to derive its twins' seeds, so twins never reuse the image's own seed. */
    private static final long TWIN_SALT = 0x7F4A_7C15_9E37_79B9L;

    private ChestPhantom() {
    }

    /**
     * Renders one image.
     *
     * @param findings what to draw (empty: a normal study)
     * @param seed the image's own seed: geometry, texture, exposure, noise
     * @param size width and height in pixels (at least 8)
     * @return {@code size * size} values in [0, 1], row by row
     */
    public static float[] render(final List<Finding> findings, final long seed, final int size) {
        return render(findings, seed, size, false);
    }

    /**
     * Renders one image, with the hidden device when {@code device} is true: a cardiac device generator (a bright oval
     * below the patient's left clavicle, on the image's right) with its lead running to the heart. No caption names it;
     * the {@code marker-feature} design ties it to marker-bearing captions. The device uses no random draws, so an image
     * with and without it share every other pixel's geometry.
     */
    public static float[] render(final List<Finding> findings, final long seed, final int size, final boolean device) {
        if (size < 8) {
            throw new IllegalArgumentException("Image size " + size + " must be at least 8 pixels");
        }
        return new Patient(new SplittableRandom(seed), size).draw(findings, device);
    }

    /** Twins with the hidden device drawn as in the image they stand in for. */
    public static List<float[]> renderTwins(final List<Finding> findings, final long imageSeed, final int count, final int size,
                                            final boolean device) {
        return java.util.Arrays.stream(twinSeeds(imageSeed, count)).mapToObj(seed -> render(findings, seed, size, device)).toList();
    }

    /** Where the device's generator sits, as fractions of the width and height (before the patient's small shift). */
    public static final double DEVICE_X = 0.80;
    public static final double DEVICE_Y = 0.16;

    /** Seeds of {@code count} twins of the image with seed {@code imageSeed}, all different from it. */
    public static long[] twinSeeds(final long imageSeed, final int count) {
        if (count < 0) {
            throw new IllegalArgumentException("Twin count " + count + " must not be negative");
        }
        final SplittableRandom random = new SplittableRandom(imageSeed ^ TWIN_SALT);
        final long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            long seed = random.nextLong();
            while (seed == imageSeed) {
                seed = random.nextLong();
            }
            seeds[i] = seed;
        }
        return seeds;
    }

    /** {@code count} twins of an image: the same findings, fresh geometry and texture (seeds from {@link #twinSeeds}). */
    public static List<float[]> renderTwins(final List<Finding> findings, final long imageSeed, final int count, final int size) {
        return java.util.Arrays.stream(twinSeeds(imageSeed, count)).mapToObj(seed -> render(findings, seed, size)).toList();
    }

    /** One patient's anatomy, exposure and texture, drawn from a seed. Coordinates are in [0, 1] across the image. */
    private static final class Patient {
        private final SplittableRandom random;
        private final int size;
        private final double pixel;
        private final double shiftX;
        private final double shiftY;
        private final Lung right;
        private final Lung left;
        private final double midline;
        private final double mediastinumHalfWidth;
        private final double heartX;
        private final double heartY;
        private final double heartRadius;
        private final double ribPeriod;
        private final double ribPhase;
        private final double ribBend;
        private final double ribContrast;
        private final double lungDensity;
        private final double tissueDensity;
        private final double contrast;
        private final double brightness;
        private final double gamma;
        private final double noise;
        private final Field markings;
        private final Field tissue;

        Patient(final SplittableRandom random, final int size) {
            this.random = random;
            this.size = size;
            this.pixel = 1.0 / size;
            shiftX = between(-0.03, 0.03);
            shiftY = between(-0.03, 0.03);
            final double scale = between(0.92, 1.06);
            final double lungY = 0.45 + shiftY;
            final double spread = between(0.18, 0.21) * scale;
            midline = 0.5 + shiftX;
            final double dome = between(0.08, 0.12);
            // the right hemidiaphragm usually sits a little higher than the left
            right = new Lung(midline - spread, lungY, between(0.14, 0.17) * scale, between(0.29, 0.33) * scale, dome,
                    between(0.50, 0.58), -1);
            left = new Lung(midline + spread, lungY, between(0.14, 0.17) * scale, between(0.29, 0.33) * scale, dome,
                    between(0.56, 0.64), 1);
            mediastinumHalfWidth = between(0.055, 0.075) * scale;
            heartX = midline + between(0.02, 0.05);
            heartY = lungY + between(0.15, 0.19) * scale;
            heartRadius = between(0.12, 0.14) * scale;
            ribPeriod = between(0.085, 0.11) * scale;
            ribPhase = between(0, 2 * Math.PI);
            ribBend = between(0.8, 1.6);
            ribContrast = between(0.07, 0.13);
            lungDensity = between(0.16, 0.26);
            tissueDensity = between(0.55, 0.68);
            contrast = between(0.85, 1.15);
            brightness = between(-0.05, 0.05);
            gamma = between(0.85, 1.15);
            noise = between(0.01, 0.025);
            markings = new Field(random, 3, 8);
            tissue = new Field(random, 1, 3);
        }

        private double between(final double low, final double high) {
            return low + (high - low) * random.nextDouble();
        }

        float[] draw(final List<Finding> findings, final boolean device) {
            final Layers layers = new Layers(findings);
            final float[] pixels = new float[size * size];
            for (int row = 0; row < size; row++) {
                for (int column = 0; column < size; column++) {
                    final double x = (column + 0.5) * pixel;
                    final double y = (row + 0.5) * pixel;
                    double value = base(x, y, layers);
                    if (device) {
                        value += device(x, y);
                    }
                    value = brightness + 0.5 + contrast * (value - 0.5);
                    value = Math.pow(Math.clamp(value, 0, 1), gamma) + noise * random.nextGaussian();
                    pixels[row * size + column] = (float) Math.clamp(value, 0, 1);
                }
            }
            return pixels;
        }

        /** Density at (x, y) before exposure and noise. */
        private double base(final double x, final double y, final Layers layers) {
            final double body = soft(0.47 - Math.hypot((x - midline) / 1.0, (y - 0.58 - shiftY) / 1.25));
            double value = 0.04 + body * (tissueDensity + 0.05 * tissue.at(x, y) - 0.04);
            for (final Lung lung : List.of(right, left)) {
                final double inside = lung.inside(x, y);
                if (inside <= 0) {
                    continue;
                }
                double lungValue = lungDensity + 0.05 * markings.at(x, y) + ribs(x, y, lung);
                final double rim = layers.pneumothoraxRim(lung, x, y);
                if (rim > 0) {
                    // no lung markings in the rim, darker air, and a thin visible pleural line at its inner edge
                    final double lucent = lungDensity * 0.45 + 0.6 * ribs(x, y, lung);
                    lungValue = lungValue * (1 - rim) + lucent * rim + 0.18 * layers.pleuralLine(lung, x, y);
                }
                final double fluid = layers.fluid(lung, x, y);
                lungValue = lungValue * (1 - fluid) + (tissueDensity + 0.06) * fluid;
                value = value * (1 - inside) + lungValue * inside;
            }
            value = over(value, 0.76 + 0.04 * tissue.at(x, y), soft(mediastinumHalfWidth - Math.abs(x - midline)) * soft(heartY - y + 0.05));
            final double heart = layers.heartRadius();
            final double heartDistance = Math.hypot((x - heartX) / 1.15, (y - heartY) / 0.85);
            value = over(value, 0.8, soft(heart - heartDistance));
            value += layers.opacity(x, y);
            value += layers.tube(x, y);
            return value;
        }

        /** The hidden device: a generator (a bright oval) and a lead from it to the heart. */
        private double device(final double x, final double y) {
            final double gx = DEVICE_X + shiftX;
            final double gy = DEVICE_Y + shiftY;
            final double dx = (x - gx) / 0.045;
            final double dy = (y - gy) / 0.032;
            final double generator = 0.5 * Math.exp(-(dx * dx + dy * dy) * 1.5);
            final double lead = segment(x, y, gx - 0.03, gy + 0.01, heartX + 0.02, heartY - 0.06);
            return Math.max(generator, 0.35 * Math.exp(-lead * lead / (2 * 0.4 * pixel * 0.4 * pixel)));
        }

        private double ribs(final double x, final double y, final Lung lung) {
            // posterior ribs: stripes that bend down towards the side of the chest
            final double lateral = (x - lung.x) / lung.radiusX;
            final double phase = 2 * Math.PI * (y - 0.04 * ribBend * lateral * lateral * lung.side) / ribPeriod + ribPhase;
            final double stripe = 0.5 + 0.5 * Math.cos(phase);
            return ribContrast * stripe * stripe * stripe;
        }

        /** A smooth 0..1 edge one pixel wide: {@code distance} > 0 inside. */
        private double soft(final double distance) {
            return 1 / (1 + Math.exp(-distance / (0.45 * pixel)));
        }

        private static double over(final double below, final double above, final double alpha) {
            return below * (1 - alpha) + above * alpha;
        }

        /** A lung field: an ellipse cut from below by a diaphragm dome (highest at the lung's middle). */
        private final class Lung {
            final double x;
            final double y;
            final double radiusX;
            final double radiusY;
            final double domeDepth;
            final double domeTop;
            /** -1 for the patient's right (image left), 1 for the left. */
            final int side;

            Lung(final double x, final double y, final double radiusX, final double radiusY, final double domeDepth,
                 final double domeFraction, final int side) {
                this.x = x;
                this.y = y;
                this.radiusX = radiusX;
                this.radiusY = radiusY;
                this.domeDepth = domeDepth;
                this.domeTop = y + radiusY * domeFraction;
                this.side = side;
            }

            double dome(final double at) {
                final double lateral = (at - x) / radiusX;
                return domeTop + domeDepth * lateral * lateral;
            }

            /** How much of (px, py) is inside the lung, 0..1 with a soft edge. */
            double inside(final double px, final double py) {
                return soft(edgeDistance(px, py, 0)) * soft(dome(px) - py);
            }

            /** Approximate distance inside the ellipse shrunk by {@code inset}; negative outside. */
            double edgeDistance(final double px, final double py, final double inset) {
                final double normalized = Math.hypot((px - x) / radiusX, (py - y) / radiusY);
                return (1 - normalized) * Math.min(radiusX, radiusY) - inset;
            }

            /** How far (px, py) lies towards this lung's side of the chest, 0 at the middle, 1 at the edge. */
            double lateral(final double px) {
                return Math.clamp((px - x) / radiusX * side, 0, 1);
            }
        }

        /** The findings, placed in this patient's anatomy. */
        private final class Layers {
            private final List<Finding> findings;
            private final double cardiomegaly;
            private final double[] opacityX;
            private final double[] opacityY;
            private final double[] opacityWidth;

            Layers(final List<Finding> findings) {
                this.findings = findings;
                double enlargement = 1;
                opacityX = new double[findings.size()];
                opacityY = new double[findings.size()];
                opacityWidth = new double[findings.size()];
                for (int i = 0; i < findings.size(); i++) {
                    final Finding finding = findings.get(i);
                    if (finding.kind() == Finding.Kind.CARDIOMEGALY) {
                        enlargement = Math.max(enlargement, 1.15 + 0.13 * finding.grade().level() + between(-0.03, 0.03));
                    } else if (finding.kind() == Finding.Kind.OPACITY) {
                        final Lung lung = finding.site().right() ? right : left;
                        opacityX[i] = lung.x + lung.side * lung.radiusX * between(0.0, 0.4);
                        opacityY[i] = lung.y + lung.radiusY * (finding.site().upper() ? between(-0.55, -0.3) : between(0.1, 0.3));
                        opacityWidth[i] = (0.025 + 0.02 * finding.grade().level()) * between(0.9, 1.1);
                    }
                }
                cardiomegaly = enlargement;
            }

            double heartRadius() {
                return heartRadius * cardiomegaly;
            }

            private boolean on(final Finding finding, final Lung lung) {
                return lung.side < 0 ? finding.site().right() : finding.site().left();
            }

            /** Pleural fluid in {@code lung} at (x, y), 0..1: below a level that rises towards the side (the meniscus). */
            double fluid(final Lung lung, final double x, final double y) {
                double fluid = 0;
                for (final Finding finding : findings) {
                    if (finding.kind() == Finding.Kind.EFFUSION && on(finding, lung)) {
                        final double height = lung.radiusY * (0.12 + 0.14 * finding.grade().level());
                        final double level = lung.domeTop - height - 0.06 * lung.lateral(x);
                        fluid = Math.max(fluid, soft(y - level) * (0.75 + 0.25 * soft(y - level - 2 * pixel)));
                    }
                }
                return fluid;
            }

            /** 0..1 inside the pneumothorax's lucent rim (along the side and apex of the lung). */
            double pneumothoraxRim(final Lung lung, final double x, final double y) {
                final Finding finding = pneumothorax(lung);
                if (finding == null) {
                    return 0;
                }
                return soft((collapsed(lung, finding, x, y) - 1) * Math.min(lung.radiusX, lung.radiusY));
            }

            double pleuralLine(final Lung lung, final double x, final double y) {
                final Finding finding = pneumothorax(lung);
                if (finding == null) {
                    return 0;
                }
                final double distance = Math.abs(collapsed(lung, finding, x, y) - 1) * Math.min(lung.radiusX, lung.radiusY);
                return Math.exp(-distance * distance / (2 * 0.4 * pixel * 0.4 * pixel));
            }

            /**
             * Where (x, y) lies relative to the collapsed lung, shrunk away from the chest wall towards the middle and down:
             * 1 on its edge, less inside.
             */
            private double collapsed(final Lung lung, final Finding finding, final double x, final double y) {
                final double width = width(finding);
                final double collapsedX = lung.x - lung.side * width * 0.6;
                return Math.hypot((x - collapsedX) / (lung.radiusX - width), (y - lung.y - width * 0.5) / (lung.radiusY - width));
            }

            private Finding pneumothorax(final Lung lung) {
                for (final Finding finding : findings) {
                    if (finding.kind() == Finding.Kind.PNEUMOTHORAX && on(finding, lung)) {
                        return finding;
                    }
                }
                return null;
            }

            private double width(final Finding pneumothorax) {
                return Math.max(1.2 * pixel, 0.02 + 0.022 * pneumothorax.grade().level());
            }

            double opacity(final double x, final double y) {
                double added = 0;
                for (int i = 0; i < findings.size(); i++) {
                    if (findings.get(i).kind() == Finding.Kind.OPACITY) {
                        final double dx = x - opacityX[i];
                        final double dy = y - opacityY[i];
                        final double sigma = opacityWidth[i];
                        added += (0.4 + 0.05 * markings.at(x, y)) * Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                    }
                }
                return added;
            }

            double tube(final double x, final double y) {
                double added = 0;
                for (final Finding finding : findings) {
                    if (finding.kind() != Finding.Kind.TUBE) {
                        continue;
                    }
                    final double carina = right.y - 0.12;
                    final double distance = switch (finding.site()) {
                        case MIDLINE -> segment(x, y, midline, 0, midline + 0.005, carina);
                        default -> {
                            final double s = finding.site() == Finding.Site.RIGHT ? -1 : 1;
                            yield Math.min(segment(x, y, midline + s * 0.14, 0, midline + s * 0.08, 0.17),
                                    segment(x, y, midline + s * 0.08, 0.17, midline + s * 0.02, carina + 0.06));
                        }
                    };
                    added = Math.max(added, 0.4 * Math.exp(-distance * distance / (2 * 0.35 * pixel * 0.35 * pixel)));
                }
                return added;
            }
        }

        /** Distance from (x, y) to the segment from (x1, y1) to (x2, y2). */
        private static double segment(final double x, final double y, final double x1, final double y1, final double x2,
                                      final double y2) {
            final double dx = x2 - x1;
            final double dy = y2 - y1;
            final double t = Math.clamp(((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy), 0, 1);
            return Math.hypot(x - x1 - t * dx, y - y1 - t * dy);
        }
    }

    /** A smooth random field in [-1, 1]: a few cosine waves with random directions, frequencies and phases. */
    private static final class Field {
        private static final int WAVES = 6;
        private final double[] frequencyX = new double[WAVES];
        private final double[] frequencyY = new double[WAVES];
        private final double[] phase = new double[WAVES];

        Field(final SplittableRandom random, final double lowest, final double highest) {
            for (int i = 0; i < WAVES; i++) {
                final double angle = random.nextDouble() * Math.PI;
                final double frequency = lowest + (highest - lowest) * random.nextDouble();
                frequencyX[i] = 2 * Math.PI * frequency * Math.cos(angle);
                frequencyY[i] = 2 * Math.PI * frequency * Math.sin(angle);
                phase[i] = random.nextDouble() * 2 * Math.PI;
            }
        }

        double at(final double x, final double y) {
            double sum = 0;
            for (int i = 0; i < WAVES; i++) {
                sum += Math.cos(frequencyX[i] * x + frequencyY[i] * y + phase[i]);
            }
            return sum / WAVES * 2;
        }
    }
}
