package dev.cairn.bench.projection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link AtomicWriterBench} and prints median and p99 update latency per payload size with the ratio against
 * the naive in-place baseline. Settings: {@code -Dbench.warmup=2 -Dbench.iterations=3 -Dbench.seconds=2
 * -Dbench.forks=1 -Dbench.dir=/tmp}.
 */
public final class AtomicWriterBenchMain {
    private AtomicWriterBenchMain() {
    }

    public static void main(String[] args) throws RunnerException {
        int seconds = Integer.getInteger("bench.seconds", 2);
        Options options = new OptionsBuilder()
                .include(AtomicWriterBench.class.getSimpleName())
                .warmupIterations(Integer.getInteger("bench.warmup", 2))
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(Integer.getInteger("bench.iterations", 3))
                .measurementTime(TimeValue.seconds(seconds))
                .forks(Integer.getInteger("bench.forks", 1))
                .jvmArgsAppend("-Dbench.dir=" + System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        // key "files/changed" -> benchmark -> {median, p99}
        Map<String, Map<String, double[]>> table = new TreeMap<>((a, b) -> {
            String[] x = a.split("/");
            String[] y = b.split("/");
            int c = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
            return c != 0 ? c : x[1].compareTo(y[1]);
        });
        for (RunResult r : results) {
            String key = r.getParams().getParam("files") + "/" + r.getParams().getParam("changed");
            String bench = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            var stats = r.getPrimaryResult().getStatistics();
            table.computeIfAbsent(key, k -> new TreeMap<>()).put(bench,
                    new double[] {stats.getPercentile(50), stats.getPercentile(99), stats.getN()});
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-6s %-7s | %14s %14s | %14s %14s | %12s %12s", "files", "changed",
                "atomic p50 us", "atomic p99 us", "naive p50 us", "naive p99 us", "p50 ratio", "p99 ratio"));
        for (Map.Entry<String, Map<String, double[]>> e : table.entrySet()) {
            double[] a = e.getValue().get("atomicWriter");
            double[] n = e.getValue().get("naiveInPlace");
            String[] k = e.getKey().split("/");
            lines.add(String.format("%-6s %-7s | %14.1f %14.1f | %14.1f %14.1f | %11.2fx %11.2fx", k[0], k[1],
                    a[0], a[1], n[0], n[1], a[0] / n[0], a[1] / n[1]));
        }
        System.out.println();
        System.out.println("AtomicWriter update latency vs naive in-place writes (ratio = atomic / naive)");
        lines.forEach(System.out::println);
    }
}
