// Lucene + Nori (KoreanAnalyzer) baseline runner for the newsearch benchmarks.
//
// Single file, no build tool: compiled by bench/nori/run.sh with plain javac against
// Debian's liblucene8-java jars (/usr/share/java/lucene-*-8.7.0.jar).
//
// Modes:
//   search CORPUS.jsonl[.gz] QUERIES.jsonl RUN_OUT.tsv [--k1 0.9] [--b 0.4] [--hits 100] [--tag nori]
//          [--fields split|combined]
//       Index the corpus in memory (fields: id stored, title + body TextField analysed with
//       KoreanAnalyzer default settings; BM25 k1/b), run every query as an OR of the analysed
//       query terms over title and body (MultiFieldQueryParser, syntax escaped), write the top
//       hits as a TREC run `qid Q0 docid rank score tag`. Timing figures go to stderr.
//       --fields combined indexes and searches a single "text" field = title + "\n" + body instead.
//       --snippets 1 (with --fields combined): the text stored and indexed with offsets, and each query's hits
//       read whole and given one highlighted passage (UnifiedHighlighter over the postings' offsets), as
//       newsearch's results come with their stored fields and a snippet.
//       --warm-passes N: untimed passes first. --rounds R: interleaved with another engine; after the warm
//       passes print "ready" on stdout, then for each line read on stdin run one timed pass and print its
//       "p50 .. p95 .. p99 .. max .." (ms) on stdout (the run file holds the first pass).
//   index CORPUS.jsonl[.gz] [--threads N] [--repeat R] [--limit N] [--ram-mb 64] [--fields split|combined]
//       Indexing throughput only: load the rows, then index them R times (distinct ids) into a
//       temp-dir FSDirectory index with N threads sharing one IndexWriter, commit, close, and
//       print one JSON line to stdout.
//   analyze
//       For each line of stdin, print the terms KoreanAnalyzer (the settings above) indexes, space-separated,
//       each as term/POS (the token's left part of speech): what Nori matches a query or a text by.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

public final class NoriRun {

    private static final String[] FIELDS = {"title", "body"};
    /** --fields combined: one "text" field holding title + "\n" + body (no separate title/body). */
    private static final String[] COMBINED = {"text"};

    private static boolean combinedFields(Opts o) {
        String f = o.str("fields", "split");
        if (f.equals("split") || f.equals("title,body")) return false;
        if (f.equals("combined")) return true;
        throw new IllegalArgumentException("--fields must be split (title + body, default) or combined");
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage();
            System.exit(2);
        }
        try {
            switch (args[0]) {
                case "search":
                    search(args);
                    break;
                case "index":
                    index(args);
                    break;
                case "analyze":
                    analyze();
                    break;
                default:
                    usage();
                    System.exit(2);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            usage();
            System.exit(2);
        }
    }

    private static void usage() {
        System.err.println("usage:\n"
            + "  NoriRun search CORPUS.jsonl[.gz] QUERIES.jsonl RUN_OUT.tsv [--k1 0.9] [--b 0.4] [--hits 100] [--tag nori]\n"
            + "                [--fields split|combined]\n"
            + "  NoriRun index CORPUS.jsonl[.gz] [--threads N] [--repeat R] [--limit N] [--ram-mb 64] [--fields split|combined]\n"
            + "  NoriRun analyze < LINES.txt");
    }

    // ------------------------------------------------------------------ analyze mode

    /** Each stdin line's Nori terms as `term/POS` (left part of speech), one output line per input line. */
    private static void analyze() throws IOException {
        try (Analyzer analyzer = new KoreanAnalyzer();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                StringBuilder sb = new StringBuilder();
                try (org.apache.lucene.analysis.TokenStream ts = analyzer.tokenStream("body", line)) {
                    org.apache.lucene.analysis.tokenattributes.CharTermAttribute term =
                        ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
                    org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute pos =
                        ts.addAttribute(org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute.class);
                    ts.reset();
                    while (ts.incrementToken()) {
                        if (sb.length() > 0) sb.append(' ');
                        sb.append(term).append('/').append(pos.getLeftPOS() == null ? "?" : pos.getLeftPOS().name());
                    }
                    ts.end();
                }
                out.println(sb);
            }
        }
    }

    // ------------------------------------------------------------------ options

    /** Positional arguments plus `--name value` options. */
    private static final class Opts {
        final List<String> pos = new ArrayList<>();
        final Map<String, String> kv = new HashMap<>();

        Opts(String[] args, int from, String... known) {
            java.util.Set<String> ok = new java.util.HashSet<>(java.util.Arrays.asList(known));
            for (int i = from; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--")) {
                    String name = a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else {
                        if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for --" + name);
                        value = args[++i];
                    }
                    if (!ok.contains(name)) throw new IllegalArgumentException("unknown option --" + name);
                    kv.put(name, value);
                } else {
                    pos.add(a);
                }
            }
        }

        String str(String name, String def) { return kv.getOrDefault(name, def); }
        float flt(String name, float def) { return kv.containsKey(name) ? Float.parseFloat(kv.get(name)) : def; }
        long lng(String name, long def) { return kv.containsKey(name) ? Long.parseLong(kv.get(name)) : def; }
    }

    // ------------------------------------------------------------------ corpus

    private static final class Row {
        final String id, title, body;
        Row(String id, String title, String body) { this.id = id; this.title = title; this.body = body; }
        long chars() { return codePoints(title) + codePoints(body); }
    }

    private static long codePoints(String s) { return s.codePointCount(0, s.length()); }

    private static BufferedReader open(String path) throws IOException {
        InputStream in = Files.newInputStream(Paths.get(path));
        if (path.endsWith(".gz")) in = new GZIPInputStream(in, 1 << 16);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Stream the JSONL rows of a file (blank lines skipped) to `sink`; stops after `limit` rows. */
    private static long forEachRow(String path, long limit, Consumer<Map<String, String>> sink) throws IOException {
        long n = 0, lineNo = 0;
        try (BufferedReader r = open(path)) {
            String line;
            while ((line = r.readLine()) != null && (limit < 0 || n < limit)) {
                lineNo++;
                if (line.isBlank()) continue;
                Map<String, String> obj;
                try {
                    obj = Json.parseFlatObject(line);
                } catch (IllegalArgumentException e) {
                    throw new IOException(path + ":" + lineNo + ": bad JSON: " + e.getMessage(), e);
                }
                sink.accept(obj);
                n++;
            }
        }
        return n;
    }

    private static Row toRow(Map<String, String> o) {
        String id = o.get("id");
        if (id == null) throw new IllegalStateException("corpus row without id: " + o);
        return new Row(id, o.getOrDefault("title", ""), o.getOrDefault("body", ""));
    }

    /** One reusable Document per thread (Lucene's recommended indexing pattern). */
    private static final class DocBuilder {
        final boolean combined;
        final StringField id = new StringField("id", "", Field.Store.YES);
        final TextField title = new TextField("title", "", Field.Store.NO);
        final TextField body = new TextField("body", "", Field.Store.NO);
        final Field text;
        final Document doc = new Document();

        DocBuilder(boolean combined) {
            this(combined, false);
        }

        /** `snippets`: the combined text stored and indexed with offsets, for the highlighter. */
        DocBuilder(boolean combined, boolean snippets) {
            this.combined = combined;
            FieldType type = new FieldType(TextField.TYPE_NOT_STORED);
            if (snippets) {
                type.setStored(true);
                type.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
            }
            type.freeze();
            text = new Field("text", "", type);
            doc.add(id);
            if (combined) {
                doc.add(text);
            } else {
                doc.add(title);
                doc.add(body);
            }
        }

        Document build(String docId, Row r) {
            id.setStringValue(docId);
            if (combined) {
                text.setStringValue(r.title.isEmpty() ? r.body : r.title + "\n" + r.body);
            } else {
                title.setStringValue(r.title);
                body.setStringValue(r.body);
            }
            return doc;
        }
    }

    // ------------------------------------------------------------------ search mode

    private static void search(String[] args) throws Exception {
        Opts o = new Opts(args, 1, "k1", "b", "hits", "tag", "fields", "warm-passes", "rounds", "snippets");
        if (o.pos.size() != 3) throw new IllegalArgumentException("search needs CORPUS QUERIES RUN_OUT");
        String corpus = o.pos.get(0), queries = o.pos.get(1), out = o.pos.get(2);
        float k1 = o.flt("k1", 0.9f), b = o.flt("b", 0.4f);
        int hits = (int) o.lng("hits", 100);
        // Untimed passes over all queries first (JIT, caches), so the timed pass is warm.
        int warmPasses = (int) o.lng("warm-passes", 0);
        String tag = o.str("tag", "nori");
        boolean combined = combinedFields(o);
        boolean snippets = o.lng("snippets", 0) != 0;
        if (snippets && !combined) throw new IllegalArgumentException("--snippets needs --fields combined");

        BM25Similarity sim = new BM25Similarity(k1, b);
        Analyzer analyzer = new KoreanAnalyzer();
        Directory dir = new ByteBuffersDirectory();
        IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
            .setSimilarity(sim)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setRAMBufferSizeMB(64);

        long t0 = System.nanoTime();
        long[] chars = {0};
        long docs;
        try (IndexWriter w = new IndexWriter(dir, cfg)) {
            DocBuilder db = new DocBuilder(combined, snippets);
            docs = forEachRow(corpus, -1, obj -> {
                Row r = toRow(obj);
                chars[0] += r.chars();
                try {
                    w.addDocument(db.build(r.id, r));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            w.commit();
        }
        double indexSec = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT,
            "nori: indexed %d documents, %d characters in %.2f s (%.0f characters/s, %.1f docs/s); fields=%s BM25 k1=%s b=%s%n",
            docs, chars[0], indexSec, chars[0] / indexSec, docs / indexSec, combined ? "combined" : "title+body", k1, b);

        long t1 = System.nanoTime();
        long nq = 0;
        try (DirectoryReader reader = DirectoryReader.open(dir);
             PrintWriter pw = new PrintWriter(new BufferedWriter(new OutputStreamWriter(
                 Files.newOutputStream(Paths.get(out)), StandardCharsets.UTF_8), 1 << 16))) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setSimilarity(sim);
            MultiFieldQueryParser qp = new MultiFieldQueryParser(combined ? COMBINED : FIELDS, analyzer);
            qp.setDefaultOperator(QueryParser.Operator.OR);
            UnifiedHighlighter hl = snippets ? new UnifiedHighlighter(searcher, analyzer) : null;

            List<Map<String, String>> qs = new ArrayList<>();
            forEachRow(queries, -1, qs::add);
            for (int pass = 0; pass < warmPasses; pass++) {
                for (Map<String, String> q : qs) {
                    Query query = qp.parse(QueryParser.escape(q.get("text")));
                    if (query == null) continue;
                    TopDocs td = searcher.search(query, hits);
                    for (ScoreDoc sd : td.scoreDocs) reader.document(sd.doc).get("id");
                    if (hl != null) hl.highlight("text", query, td, 1);
                }
            }
            int rounds = (int) o.lng("rounds", 0);
            if (rounds > 0) {  // interleaved with another engine: a timed pass each time a line comes on stdin
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                System.out.println("ready");
                System.out.flush();
                for (int r = 0; r < rounds && in.readLine() != null; r++) {
                    long[] sorted = timedPass(qs, qp, searcher, reader, hits, tag, r == 0 ? pw : null, hl);
                    System.out.printf(Locale.ROOT, "%s%n", percentiles(sorted));
                    System.out.flush();
                }
                return;
            }
            t1 = System.nanoTime();
            long[] sorted = timedPass(qs, qp, searcher, reader, hits, tag, pw, hl);
            nq = qs.size();
            if (sorted.length > 0) {
                System.err.printf(Locale.ROOT, "nori: latency ms %s (%d queries, %d warm passes)%n",
                    percentiles(sorted), sorted.length, warmPasses);
            }
        }
        double querySec = (System.nanoTime() - t1) / 1e9;
        System.err.printf(Locale.ROOT,
            "nori: %d queries in %.2f s (%.1f queries/s, %.2f ms/query) -> %s%n",
            nq, querySec, nq / querySec, 1000.0 * querySec / Math.max(1, nq), out);
    }

    /** One timed pass over every query; the run lines go to `pw` when it is not null; with `hl`, each hit's stored
     *  fields read whole and one highlighted passage made. Sorted latencies, ns. */
    private static long[] timedPass(List<Map<String, String>> qs, MultiFieldQueryParser qp, IndexSearcher searcher,
                                    DirectoryReader reader, int hits, String tag, PrintWriter pw,
                                    UnifiedHighlighter hl) throws Exception {
        long[] lat = new long[qs.size()];
        int nl = 0;
        for (Map<String, String> q : qs) {
            long tq = System.nanoTime();
            String qid = q.get("id");
            String text = q.get("text");
            if (qid == null || text == null) throw new IllegalStateException("query row needs id and text: " + q);
            Query query;
            try {
                query = qp.parse(QueryParser.escape(text));
            } catch (ParseException e) {
                throw new IllegalStateException("cannot parse query " + qid + ": " + text, e);
            }
            if (query != null) {  // null: every token was a stop tag
                TopDocs td = searcher.search(query, hits);
                int rank = 0;
                for (ScoreDoc sd : td.scoreDocs) {
                    String docId = reader.document(sd.doc).get("id");
                    if (pw != null) pw.printf(Locale.ROOT, "%s Q0 %s %d %.6f %s%n", qid, docId, ++rank, sd.score, tag);
                }
                if (hl != null) {
                    String[] passages = hl.highlight("text", query, td, 1);
                    if (passages.length != td.scoreDocs.length) throw new IllegalStateException("highlight: " + qid);
                }
            }
            lat[nl++] = System.nanoTime() - tq;
        }
        long[] sorted = java.util.Arrays.copyOf(lat, nl);
        java.util.Arrays.sort(sorted);
        return sorted;
    }

    private static String percentiles(long[] sorted) {
        int nl = sorted.length;
        if (nl == 0) return "p50 0 p95 0 p99 0 max 0";
        return String.format(Locale.ROOT, "p50 %.2f p95 %.2f p99 %.2f max %.2f", sorted[(int) (nl * 0.50)] / 1e6,
            sorted[Math.min(nl - 1, (int) (nl * 0.95))] / 1e6, sorted[Math.min(nl - 1, (int) (nl * 0.99))] / 1e6,
            sorted[nl - 1] / 1e6);
    }

    // ------------------------------------------------------------------ index mode

    private static void index(String[] args) throws Exception {
        Opts o = new Opts(args, 1, "threads", "repeat", "limit", "ram-mb", "fields");
        if (o.pos.size() != 1) throw new IllegalArgumentException("index needs CORPUS");
        String corpus = o.pos.get(0);
        int threads = (int) o.lng("threads", 1);
        int repeat = (int) o.lng("repeat", 1);
        long limit = o.lng("limit", -1);
        double ramMb = o.flt("ram-mb", 64f);
        boolean combined = combinedFields(o);
        if (threads < 1 || repeat < 1) throw new IllegalArgumentException("--threads and --repeat must be >= 1");

        // Parse once up front so that the timed part is analysis + indexing + commit only.
        List<Row> rows = new ArrayList<>();
        forEachRow(corpus, limit, obj -> rows.add(toRow(obj)));
        long charsOnce = 0;
        for (Row r : rows) charsOnce += r.chars();
        final long total = (long) rows.size() * repeat;

        Path tmp = Files.createTempDirectory("nori-index-");
        try {
            IndexWriterConfig cfg = new IndexWriterConfig(new KoreanAnalyzer())
                .setSimilarity(new BM25Similarity(0.9f, 0.4f))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setRAMBufferSizeMB(ramMb);
            double threadCpu;
            long t0 = System.nanoTime();
            try (Directory dir = FSDirectory.open(tmp); IndexWriter w = new IndexWriter(dir, cfg)) {
                AtomicLong next = new AtomicLong();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
                Thread[] ts = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    ts[t] = new Thread(() -> {
                        DocBuilder db = new DocBuilder(combined);
                        try {
                            long i;
                            while (failure.get() == null && (i = next.getAndIncrement()) < total) {
                                Row r = rows.get((int) (i % rows.size()));
                                long rep = i / rows.size();
                                String id = rep == 0 ? r.id : r.id + "#" + rep;
                                w.addDocument(db.build(id, r));
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                        cpuNanos.addAndGet(mx.getCurrentThreadCpuTime());
                    }, "indexer-" + t);
                    ts[t].start();
                }
                for (Thread t : ts) t.join();
                if (failure.get() != null) throw new RuntimeException("indexing failed", failure.get());
                long c0 = mx.getCurrentThreadCpuTime();
                w.commit();
                cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                threadCpu = cpuNanos.get() / 1e9;
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            long chars = charsOnce * repeat;
            System.out.printf(Locale.ROOT,
                "{\"engine\":\"lucene-nori\",\"docs\":%d,\"chars\":%d,\"seconds\":%.3f,\"chars_per_s\":%.1f,"
                    + "\"docs_per_s\":%.1f,\"threads\":%d,\"repeat\":%d,\"thread_cpu_seconds\":%.3f,"
                    + "\"chars_per_cpu_s\":%.1f}%n",
                total, chars, sec, chars / sec, total / sec, threads, repeat, threadCpu, chars / threadCpu);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<Path>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------ JSON

    /**
     * Minimal strict JSON reader for flat JSONL rows. Top level must be an object. String values
     * are decoded (all escapes, including \\uXXXX and surrogate pairs); numbers and booleans are
     * kept as their literal text; null values are left out; nested objects/arrays are skipped.
     */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        static Map<String, String> parseFlatObject(String text) {
            Json p = new Json(text);
            p.ws();
            Map<String, String> out = p.object(true);
            p.ws();
            if (p.i != p.s.length()) throw p.err("trailing characters");
            return out;
        }

        private IllegalArgumentException err(String msg) {
            return new IllegalArgumentException(msg + " at offset " + i);
        }

        private void ws() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\uFEFF') i++;
                else break;
            }
        }

        private char peek() {
            if (i >= s.length()) throw err("unexpected end of input");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw err("expected '" + c + "' but found '" + s.charAt(i) + "'");
            i++;
        }

        /** Parses an object; when keep is false it is only validated and skipped (returns null). */
        private Map<String, String> object(boolean keep) {
            expect('{');
            Map<String, String> out = keep ? new HashMap<>() : null;
            ws();
            if (peek() == '}') { i++; return out; }
            while (true) {
                ws();
                String key = string();
                ws();
                expect(':');
                ws();
                char c = peek();
                String val;
                if (c == '"') val = string();
                else if (c == '{') { object(false); val = null; }
                else if (c == '[') { array(); val = null; }
                else val = literal();
                if (keep && val != null) out.put(key, val);
                ws();
                char d = peek();
                i++;
                if (d == '}') return out;
                if (d != ',') { i--; throw err("expected ',' or '}'"); }
            }
        }

        private void array() {
            expect('[');
            ws();
            if (peek() == ']') { i++; return; }
            while (true) {
                ws();
                value();
                ws();
                char d = peek();
                i++;
                if (d == ']') return;
                if (d != ',') { i--; throw err("expected ',' or ']'"); }
            }
        }

        private void value() {
            char c = peek();
            if (c == '"') string();
            else if (c == '{') object(false);
            else if (c == '[') array();
            else literal();
        }

        /** true/false/number as literal text, null as Java null. */
        private String literal() {
            if (s.startsWith("null", i)) { i += 4; return null; }
            if (s.startsWith("true", i)) { i += 4; return "true"; }
            if (s.startsWith("false", i)) { i += 5; return "false"; }
            int start = i;
            if (i < s.length() && s.charAt(i) == '-') i++;
            int digits = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == digits) throw err("unexpected character");
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int f = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                if (i == f) throw err("bad number");
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                int e = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                if (i == e) throw err("bad number exponent");
            }
            return s.substring(start, i);
        }

        private String string() {
            expect('"');
            int start = i;
            // Fast path: no escapes.
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') { String r = s.substring(start, i); i++; return r; }
                if (c == '\\') break;
                i++;
            }
            StringBuilder sb = new StringBuilder(s.length() - start);
            sb.append(s, start, i);
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                if (i >= s.length()) throw err("unterminated escape");
                char e = s.charAt(i++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        // UTF-16 code units are appended as-is, so an escaped surrogate pair
                        // (\\ud83d\\ude00) becomes one supplementary code point in the Java string.
                        if (i + 4 > s.length()) throw err("short \\u escape");
                        int cp = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = Character.digit(s.charAt(i + k), 16);
                            if (h < 0) throw err("bad \\u escape");
                            cp = (cp << 4) | h;
                        }
                        i += 4;
                        sb.append((char) cp);
                        break;
                    }
                    default:
                        throw err("bad escape \\" + e);
                }
            }
        }
    }
}
