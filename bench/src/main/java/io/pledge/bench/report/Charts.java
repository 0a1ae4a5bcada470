package io.pledge.bench.report;

import io.pledge.bench.measure.ProcessSampler;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of a report, drawn with XChart (headless). */
public final class Charts {

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /**
   * Requests sent and reconciled per second over the run, with the moments faults were injected.
   *
   * @param faults seconds (from the origin) at which a fault started, with its label
   */
  public static void throughput(
      Path file, int[] sentPerSecond, int[] reconciledPerSecond, Map<Double, String> faults)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(450)
            .title("Throughput over time")
            .xAxisTitle("seconds since the measured load started")
            .yAxisTitle("requests per second")
            .build();
    style(chart);
    addLine(chart, "sent", sentPerSecond, new Color(120, 120, 220));
    addLine(chart, "reconciled", reconciledPerSecond, new Color(30, 150, 60));
    if (!faults.isEmpty()) {
      int top = Math.max(1, Math.max(max(sentPerSecond), max(reconciledPerSecond)));
      double[] xs = faults.keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] ys = new double[xs.length];
      Arrays.fill(ys, top * 1.05);
      XYSeries s = chart.addSeries("fault injected", xs, ys);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.TRIANGLE_DOWN);
      s.setMarkerColor(Color.RED);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** The latency distribution: for each leg, the share of requests at or below a latency. */
  public static void latency(Path file, Map<String, long[]> microsByLeg) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(520)
            .title("Latency distribution (cumulative)")
            .xAxisTitle("latency, ms (log scale)")
            .yAxisTitle("share of requests, %")
            .build();
    style(chart);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    for (Map.Entry<String, long[]> e : microsByLeg.entrySet()) {
      long[] sorted = e.getValue().clone();
      if (sorted.length == 0) {
        continue;
      }
      Arrays.sort(sorted);
      int points = Math.min(sorted.length, 500);
      double[] xs = new double[points];
      double[] ys = new double[points];
      for (int i = 0; i < points; i++) {
        int index =
            (int)
                Math.min(
                    sorted.length - 1, Math.round((i + 1) * (double) sorted.length / points) - 1);
        xs[i] = Math.max(0.01, sorted[index] / 1000.0);
        ys[i] = 100.0 * (index + 1) / sorted.length;
      }
      XYSeries s = chart.addSeries(e.getKey(), xs, ys);
      s.setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Resident memory of each process over the run. */
  public static void memory(Path file, List<ProcessSampler.RssPoint> points, long originMicros)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(1000)
            .height(400)
            .title("Resident memory")
            .xAxisTitle("seconds since the measured load started")
            .yAxisTitle("RSS, MB")
            .build();
    style(chart);
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (ProcessSampler.RssPoint p : points) {
      double t = (p.micros() - originMicros) / 1e6;
      p.mb()
          .forEach(
              (name, mb) ->
                  series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {t, mb}));
    }
    series.forEach(
        (name, values) -> {
          double[] xs = values.stream().mapToDouble(v -> v[0]).toArray();
          double[] ys = values.stream().mapToDouble(v -> v[1]).toArray();
          chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.NONE);
        });
    if (!series.isEmpty()) {
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static void addLine(XYChart chart, String name, int[] perSecond, Color color) {
    if (perSecond.length == 0) {
      return;
    }
    double[] xs = new double[perSecond.length];
    double[] ys = new double[perSecond.length];
    for (int i = 0; i < perSecond.length; i++) {
      xs[i] = i;
      ys[i] = perSecond[i];
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
  }

  private static int max(int[] values) {
    return Arrays.stream(values).max().orElse(0);
  }

  private static void style(XYChart chart) {
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(8);
  }
}
