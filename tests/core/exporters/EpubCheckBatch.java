// Checks many EPUBs in one JVM: EPUBCheck's command line takes one file, and starting
// Java for each costs more than the check itself. Run as a single-file program:
//   java -cp epubcheck.jar EpubCheckBatch.java THREADS a.epub b.epub ...
// For each file it prints one block: "@@ <path>", its messages, "@@ end <warnings> <errors>".

import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.WriterReportImpl;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

public class EpubCheckBatch {
    static String check(String path) {
        StringWriter messages = new StringWriter();
        WriterReportImpl report = new WriterReportImpl(new PrintWriter(messages, true), null, true);
        new EpubCheck(new File(path), report).check();
        int errors = report.getErrorCount() + report.getFatalErrorCount();
        return "@@ " + path + "\n" + messages + "@@ end " + report.getWarningCount() + " " + errors;
    }

    public static void main(String[] arguments) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(arguments[0]));
        List<Future<String>> results = new ArrayList<>();
        for (int index = 1; index < arguments.length; index++) {
            String path = arguments[index];
            results.add(pool.submit(() -> check(path)));
        }
        for (Future<String> result : results) {
            System.out.println(result.get());
            System.out.flush();
        }
        pool.shutdown();
    }
}
