//! Running independent work on every core while keeping results in input order, so
//! output never depends on scheduling.

/// Makes the calling thread's heap large enough, once, for `items` items of work.
///
/// glibc gives each thread a heap of its own and enables its pages as allocations first
/// reach them, one `mprotect` call per new page: a thread that validated or rendered a
/// thousand peers made about a thousand of them, a tenth of its time. Pages once enabled
/// stay enabled when freed, so allocating the heap the work will need in blocks (each
/// below the size that glibc would map separately) and freeing them enables it in a few
/// dozen calls. Nothing is written to the blocks, so they take no memory; the size
/// follows the work (about 4 KiB per item, at most 8 MiB), and a block that cannot be
/// had (a data size limit) ends the reservation, not the run. Other allocators just
/// allocate and free.
fn reserve_heap(items: usize) {
    const BLOCK: usize = 96 << 10;
    const PER_ITEM: usize = 4 << 10;
    const MAX: usize = 8 << 20;
    let blocks = (items.saturating_mul(PER_ITEM).min(MAX)) / BLOCK;
    let mut held: Vec<Vec<u8>> = Vec::with_capacity(blocks);
    for _ in 0..blocks {
        let mut block = Vec::new();
        if block.try_reserve_exact(BLOCK).is_err() {
            break;
        }
        held.push(std::hint::black_box(block));
    }
    drop(std::hint::black_box(held));
}

/// How many threads to run work on: one per core, at most 8. Asked once per run: the
/// standard library reads the process's cgroup files each time (a tenth of a
/// millisecond), and a run spreads work over the cores several times.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, 8)
    })
}

/// Maps `f` over `items` on every core (at most 8 threads), keeping the order of `items`:
/// rendering is independent per peer, and the output must not depend on scheduling.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores();
    if threads == 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut parts = items.chunks(chunk);
        // The calling thread maps the first part itself: one thread fewer to start, and
        // the start of the results already in place. (Its heap is the process's main
        // one, which grows without `mprotect`: it needs no reservation.)
        let first = parts.next().unwrap_or_default();
        let handles: Vec<_> = parts
            .map(|part| {
                scope.spawn(|| {
                    reserve_heap(part.len());
                    part.iter().map(&f).collect::<Vec<R>>()
                })
            })
            .collect();
        let mut results = Vec::with_capacity(items.len());
        results.extend(first.iter().map(&f));
        for handle in handles {
            match handle.join() {
                Ok(part) => results.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    })
}

/// Runs `f` for every index below `count` on every core (at most 8 threads), each thread
/// with its own `state` (taken from `init`), claiming indices in small batches so a slow
/// item does not leave a core idle. Stops at the first error, which it returns; otherwise
/// returns the states. The order of the calls is not defined: `f` must not depend on it.
pub fn try_each<S: Send, E: Send>(
    count: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> Result<(), E> + Sync,
) -> Result<Vec<S>, E> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const BATCH: usize = 16;
    let threads = cores().min(count.div_ceil(BATCH).max(1));
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let work = || {
        let mut state = init();
        while !stop.load(Ordering::Relaxed) {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            if start >= count {
                break;
            }
            for i in start..(start + BATCH).min(count) {
                if let Err(err) = f(&mut state, i) {
                    stop.store(true, Ordering::Relaxed);
                    return Err(err);
                }
            }
        }
        Ok(state)
    };
    if threads == 1 {
        return work().map(|state| vec![state]);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        let mut states = Vec::with_capacity(threads);
        let mut first_err = None;
        for handle in handles {
            match handle.join() {
                Ok(Ok(state)) => states.push(state),
                Ok(Err(err)) => {
                    first_err.get_or_insert(err);
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        first_err.map_or(Ok(states), Err)
    })
}
