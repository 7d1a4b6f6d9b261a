package eventshop.carts;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs tasks released together, one thread each, for the tests of concurrent commands on one cart. */
public final class AtOnce {

    /** A task that knows its index. */
    public interface Indexed<T> {
        T apply(int index) throws Exception;
    }

    private AtOnce() {
    }

    /** {@code count} tasks started together; their results in order (the first failure is thrown). */
    public static <T> List<T> run(int count, Indexed<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                int index = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return task.apply(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> answer : answers) {
                results.add(answer.get());
            }
            return results;
        }
    }
}
