package dev.sluice.bench.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The accuracy lab's plots, as PNG files. */
final class Plots {
  private Plots() {}

  /** Worst and mean over-admission against the sync interval, uniform and Zipf traffic. */
  static void errorVersusInterval(Path file, List<Duration> intervals, List<AccuracyLab.Result>
      uniform, List<AccuracyLab.Result> zipf) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("Synced engine: over-admission vs sync interval (10 instances, 1,000/min)")
        .xAxisTitle("sync interval (s)").yAxisTitle("over-admission, % of the limit").build();
    chart.getStyler().setXAxisLogarithmic(true);
    double[] x = intervals.stream().mapToDouble(d -> d.toMillis() / 1000.0).toArray();
    chart.addSeries("uniform, worst", x, uniform.stream()
        .mapToDouble(AccuracyLab.Result::worstOver).toArray()).setMarker(SeriesMarkers.CIRCLE);
    chart.addSeries("uniform, mean", x, uniform.stream()
        .mapToDouble(AccuracyLab.Result::meanOver).toArray()).setMarker(SeriesMarkers.SQUARE);
    chart.addSeries("zipf, worst", x, zipf.stream()
        .mapToDouble(AccuracyLab.Result::worstOver).toArray()).setMarker(SeriesMarkers.DIAMOND);
    chart.addSeries("zipf, mean", x, zipf.stream()
        .mapToDouble(AccuracyLab.Result::meanOver).toArray()).setMarker(SeriesMarkers.TRIANGLE_UP);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Admissions per second of the hottest key, synced and exact, over a run. */
  static void timeline(Path file, AccuracyLab.Result r) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(450)
        .title("Surge, 10 instances, 1 s sync, 1,000/min fixed window: admitted per second, "
            + "one key")
        .xAxisTitle("simulated time (s)").yAxisTitle("admitted per second").build();
    double[] x = new double[r.syncedPerSecond().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    chart.addSeries("exact counter", x, r.exactPerSecond()).setMarker(SeriesMarkers.NONE);
    chart.addSeries("synced", x, r.syncedPerSecond()).setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Admissions per second of one key on the same traffic: the exact counter, the synced and the
   * leased clusters (bursty, 10 instances, 1 s, 1,000/min fixed window).
   */
  static void modes(Path file, AccuracyLab.Result leased, AccuracyLab.Result synced)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(450)
        .title("Bursty, 10 instances, 1 s rounds, 1,000/min fixed window: admitted per second, "
            + "one key")
        .xAxisTitle("simulated time (s)").yAxisTitle("admitted per second").build();
    int n = Math.min(180, leased.syncedPerSecond().length);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    chart.addSeries("exact counter", x, java.util.Arrays.copyOf(leased.exactPerSecond(), n))
        .setMarker(SeriesMarkers.NONE);
    chart.addSeries("synced", x, java.util.Arrays.copyOf(synced.syncedPerSecond(), n))
        .setMarker(SeriesMarkers.NONE);
    chart.addSeries("leased", x, java.util.Arrays.copyOf(leased.syncedPerSecond(), n))
        .setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Distribution of the sliding window counter's estimate error, in 2.5 % buckets. */
  static void histogram(Path file, int[] buckets) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(900).height(450)
        .title("Sliding window counter: (estimate - exact sliding count) / exact, per request")
        .xAxisTitle("error, % (2.5 % buckets; ends are open)").yAxisTitle("requests").build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(90);
    List<String> labels = new java.util.ArrayList<>();
    List<Integer> values = new java.util.ArrayList<>();
    for (int i = 0; i < buckets.length; i++) {
      labels.add(String.format(java.util.Locale.ROOT, "%.1f", (i - 20) * 2.5));
      values.add(buckets[i]);
    }
    chart.addSeries("requests", labels, values);
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
